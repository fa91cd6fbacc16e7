/**
 * What a new user tripped over, on real published models: fidelity without labels shows cosine and relative
 * error (not only top-1 agreement), and global pruning that empties a tensor says which one.
 */
import { expect, test } from '@playwright/test';
import { expectParams, fixture, manifestParams, regions } from './helpers';
import { applyAndWait, setCompression } from './journey-helpers';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Pare', level: 1 })).toBeVisible();
  const files = fixture('human-emotion');
  await regions(page).openModel.setInputFiles(files);
  await expectParams(page, manifestParams(files.find((f) => f.name === 'emotion.json')!.buffer));
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('2');
});

test('a variant measured without data shows its cosine and relative error against the original', async ({ page }) => {
  await setCompression(page, 30, 'bits-4');
  await applyAndWait(page, 'Variant 1');
  const row = page.getByTestId(/^variant-row-(?!original)/);
  await expect(row.getByTestId('cosine')).toHaveText(/^cosine (0\.\d{3}|> 0\.999|1\.000)$/);
  await expect(row.getByTestId('relative-error')).toHaveText(/\d.*% rel\. error$/);
  await expect(row.getByTestId('quality')).toContainText('agree');
  const cosine = Number((await row.getByTestId('cosine').textContent())!.match(/[\d.]+$/)![0]);
  expect(cosine).toBeGreaterThan(0.5);

  // Cosine leads on the charts without labels; the relative error can be picked instead.
  await expect(page.getByRole('group', { name: 'Cosine similarity to original vs size', exact: true })).toBeVisible();
  await page.getByRole('radiogroup', { name: 'Quality on the y axis' }).getByLabel('relative error').check();
  await expect(page.getByRole('group', { name: 'Relative error against original vs size', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Variant 1: relative error \d/ }).first()).toBeVisible();

  // The tooltip of a point carries the figures, and goes when focus leaves the point.
  const point = page.getByRole('button', { name: /^Variant 1: / }).first();
  await point.focus();
  await expect(page.getByRole('tooltip')).toContainText('cosine');
  await expect(page.getByRole('tooltip')).toContainText('relative error');
  await page.getByRole('button', { name: 'Measure', exact: true }).focus();
  await expect(page.getByRole('tooltip')).toHaveCount(0);
});

test('50% global pruning of the emotion model names the tensors it emptied, and the layer table marks them', async ({ page }) => {
  await setCompression(page, 50, 'keep');
  await expect(page.getByRole('radio', { name: 'One threshold over all layers' })).toBeChecked();
  await applyAndWait(page, 'Variant 1');
  const warnings = page.getByRole('status', { name: 'Warnings for Variant 1' });
  await expect(warnings).toContainText('pruning emptied');
  const names = await warnings.locator('code.tensor-name').allTextContents();
  expect(names.length).toBeGreaterThan(0);
  // Real tensor names of the model, not placeholders.
  const manifest = JSON.parse(fixture('human-emotion').find((f) => f.name === 'emotion.json')!.buffer.toString());
  const weightNames = new Set<string>(manifest.weightsManifest.flatMap((g: { weights: { name: string }[] }) => g.weights.map((w) => w.name)));
  for (const name of names) expect(weightNames.has(name)).toBe(true);
  // Per layer: the emptied rows show 100% and say so, without the page scrolling sideways.
  await expect(page.locator('.layer-table tr[data-emptied]')).toHaveCount(names.length);
  await expect(page.locator('.layer-table tr[data-emptied]').first().getByTestId('achieved')).toContainText('100.0%');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // The same sparsity in every layer empties nothing.
  await warnings.getByRole('button', { name: 'use the same sparsity in every layer' }).click();
  await expect(page.getByRole('radio', { name: 'Same sparsity in every layer' })).toBeChecked();
  await applyAndWait(page, 'Variant 2');
  await expect(page.getByRole('radio', { name: 'Select Variant 2' })).toBeChecked();
  await expect(page.getByRole('status', { name: 'Warnings for Variant 2' })).toHaveCount(0);
  await expect(page.locator('.layer-table tr[data-emptied]')).toHaveCount(0);
});
