/**
 * The class order is shown and editable: open the sample MLP with its test images, edit the class names in the
 * Data panel (a wrong count is refused inline), save, and see the new names in the class mapping and on the
 * previews; measuring again gives the same accuracy, since IDX labels keep their indices.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectParams } from './helpers';

const samples = JSON.parse(readFileSync(join(process.cwd(), 'public', 'samples', 'index.json'), 'utf8')) as {
  id: string;
  name: string;
  params: number;
}[];
const mlp = samples.find((s) => s.id === 'fashion-mlp')!;

test('edit the class names of the sample data: checked, saved, shown, and the accuracy is unchanged', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: `Open sample model: ${mlp.name}` }).click();
  await expectParams(page, mlp.params);
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('3');
  await page.getByRole('button', { name: "Use the sample's test images" }).click();
  const data = page.getByRole('region', { name: 'Data' });
  await expect(data.getByTestId('data-count')).toHaveText('1,000 samples · labelled');

  const original = page.getByTestId('variant-row-original');
  const quality = original.getByTestId('quality');
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await expect(quality).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 60_000 });
  const before = await quality.getAttribute('data-value');

  await data.getByText(/^10 classes, from/).click();
  const list = data.getByRole('list', { name: 'Class names in output order' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  await data.getByRole('button', { name: 'Edit classes' }).click();
  const editor = data.getByRole('form', { name: 'Edit class names' });
  const names = editor.getByRole('textbox');
  const given = (await names.inputValue()).split('\n');
  expect(given).toHaveLength(10);
  expect(given[8]).toBe('Bag');

  // A name short: said inline, and Save refuses.
  await names.fill(given.slice(0, 9).join('\n'));
  await expect(editor.getByTestId('class-names-problem')).toHaveText('10 names needed (the model has 10 outputs); found 9.');
  await expect(editor.getByRole('button', { name: 'Save' })).toBeDisabled();

  // 'Bag' becomes 'Handbag'; 'Pullover' (among the first samples shown; no bag is) becomes 'Sweater'.
  const edited = given.map((n) => (n === 'Bag' ? 'Handbag' : n === 'Pullover' ? 'Sweater' : n));
  await names.fill(edited.join('\n'));
  await expect(editor.getByTestId('class-names-problem')).toHaveCount(0);
  await editor.getByRole('button', { name: 'Save' }).click();

  await expect(data.getByText('10 classes, edited')).toBeVisible();
  await expect(editor).toHaveCount(0);
  await expect(list.getByRole('listitem').nth(8)).toHaveText('8 Handbag');
  await expect(list.getByText('Bag', { exact: true })).toHaveCount(0);
  await expect(data.getByRole('img', { name: 'Sample labelled Sweater' }).first()).toBeVisible();
  await expect(data.getByRole('img', { name: 'Sample labelled Pullover' })).toHaveCount(0);
  await expect(data.getByRole('img', { name: /^Sample labelled / })).toHaveCount(8);

  // Other names are other data: the measurement is stale until measured again, then the same.
  await expect(original.getByText('stale')).toBeVisible();
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await expect(original.getByText('stale')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 60_000 });
  await expect(quality).toHaveAttribute('data-value', before!);
});
