/**
 * A saved recipe loads back and reproduces its variant; errors appear in the panel where the user acted and the
 * session stays usable; "New session" clears everything, also after a reload.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectParams } from './helpers';
import { applyAndWait, setCompression } from './journey-helpers';

const MLP = 'Fashion-MNIST MLP 784-300-100-10';

test('Save recipe, then Load recipe reproduces the same variant (same recipe hash, no duplicate)', async ({ page }, info) => {
  await page.goto('/');
  await page.getByRole('button', { name: `Open sample model: ${MLP}` }).click();
  await expectParams(page, 266_610);
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('2');
  await setCompression(page, 60, 'bits-6');
  await page.getByRole('slider', { name: 'fc3 sparsity' }).fill('10');
  await applyAndWait(page, 'Variant 1');

  const saving = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save recipe' }).click();
  const path = info.outputPath('recipe.json');
  await (await saving).saveAs(path);
  const recipe = JSON.parse(readFileSync(path, 'utf8'));
  expect(recipe).toMatchObject({
    pare: 'recipe',
    version: 2,
    steps: [
      { step: 'prune', sparsity: 0.6, perTensor: [{ match: 'fc3/kernel', sparsity: 0.1 }] },
      { step: 'quantize', default: { bits: 6 } },
    ],
  });

  await page.getByRole('button', { name: 'Reset all' }).click();
  await expect(page.getByTestId('global-sparsity-value')).toHaveText('0%');
  await page.getByLabel('Load recipe', { exact: true }).setInputFiles(path);
  await expect(page.getByTestId('global-sparsity-value')).toHaveText('60%');
  await expect(page.getByRole('combobox', { name: 'Quantization', exact: true })).toHaveValue('bits-6');
  await expect(page.getByRole('slider', { name: 'fc3 sparsity' })).toHaveValue('10');
  await page.getByRole('radio', { name: 'Select Original' }).check();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByRole('radio', { name: 'Select Variant 1' })).toBeChecked();
  await expect(page.getByRole('table', { name: 'Variants' }).getByRole('row')).toHaveCount(3); // header, original, variant
});

test('errors show where the user acted, and the studio keeps working', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: `Open sample model: ${MLP}` }).click();
  await expectParams(page, 266_610);

  // A recipe that is not valid: the Export panel, where it was loaded, says what and where.
  await page.getByLabel('Load recipe', { exact: true }).setInputFiles({
    name: 'too-much.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ pare: 'recipe', version: 1, prune: { sparsity: 1.5 } })),
  });
  const exportAlert = page.getByRole('region', { name: 'Export' }).getByRole('alert');
  await expect(exportAlert).toContainText('Invalid recipe');
  await expect(exportAlert).toContainText('recipe.prune.sparsity must be between 0 and 1; found 1.5');
  await expect(exportAlert).toContainText('too-much.json');

  // Files that are not data: the Data panel says so.
  await page.getByLabel('Open data', { exact: true }).setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('not images'),
  });
  await expect(page.getByRole('region', { name: 'Data' }).getByRole('alert')).toBeVisible();

  // Still usable.
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('2');
  await setCompression(page, 30, 'float16');
  await applyAndWait(page, 'Variant 1');
});

test('"New session" forgets the model and variants, here and after a reload', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: `Open sample model: ${MLP}` }).click();
  await expectParams(page, 266_610);
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('2');
  await setCompression(page, 40, 'uint8');
  await applyAndWait(page, 'Variant 1');
  // It asks first, saying what would be lost; keeping on changes nothing and gives the focus back.
  await page.getByRole('button', { name: 'New session' }).click();
  const ask = page.getByRole('alertdialog', { name: /^Start over\?/ });
  await expect(ask).toContainText('1 variant');
  await expect(ask.getByRole('button', { name: 'Start a new session' })).toBeFocused();
  await ask.getByRole('button', { name: 'Keep working' }).click();
  await expect(ask).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New session' })).toBeFocused();
  await expect(page.getByRole('radio', { name: 'Select Variant 1' })).toBeVisible();
  await page.getByRole('button', { name: 'New session' }).click();
  await page.getByRole('button', { name: 'Start a new session' }).click();
  await expect(page.getByText('No model open yet.')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('wasm-binary')).toHaveAttribute('data-binary', /.+/);
  await expect(page.getByText('No model open yet.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Variants' })).toHaveCount(0);
});
