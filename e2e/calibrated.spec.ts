/**
 * Calibrated compression in the studio, as a person does it: without data only the data-free methods can be
 * chosen; with the sample data, OBS pruning and GPTQ rounding calibrate on its first samples, every model is then
 * measured on the others, the calibrated variant beats magnitude pruning at the same settings, and its export
 * records which data made it and loads in stock TF.js.
 */
import { expect, test } from '@playwright/test';
import { applyAndWait, loadWithStockTfjs, readZip, setCompression } from './journey-helpers';
import { dropSampleData, openSample, sample } from './sample-session';

const mlp = sample('fashion-mlp');
const cnn = sample('fashion-cnn');

test('sample MLP: OBS + GPTQ on the sample data beat magnitude + nearest, measured on held-out samples', async ({ page }, info) => {
  test.setTimeout(240_000);
  await openSample(page, mlp, { latencyRuns: 0 });

  // No data: the calibrated choices are offered but cannot be picked, and the page says why.
  await expect(page.getByTestId('calibration-hint')).toHaveText(/Open data to use the calibrated methods/);
  await expect(page.getByRole('option', { name: 'Error-compensating (OBS)' })).toBeDisabled();

  await dropSampleData(page, mlp);

  await setCompression(page, 80, 'bits-4');
  await applyAndWait(page, 'Variant 1');

  await page.getByRole('combobox', { name: 'Pruning method' }).selectOption('obs');
  await page.getByRole('combobox', { name: 'Rounding' }).selectOption('gptq');
  await page.getByRole('spinbutton', { name: 'Calibration samples' }).fill('200');
  await expect(page.getByTestId('calibration-hint')).toHaveText(
    'Calibrates on the first 200 of 1,000 samples; from then on every model is measured on the other 800.',
  );
  await applyAndWait(page, 'Variant 2');

  // The magnitude variant was measured on all 1,000 samples: stale now; Measure brings it onto the same 800.
  const row = (id: string) => page.getByTestId(`variant-row-${id}`);
  const variantRow = (name: string) => page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: name });
  await expect(variantRow('Variant 1').getByText('stale')).toBeVisible();
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByText('stale')).toHaveCount(0);

  const quality = async (name: string) => Number(await variantRow(name).getByTestId('quality').getAttribute('data-value'));
  const magnitude = await quality('Variant 1');
  const calibrated = await quality('Variant 2');
  const original = Number(await row('original').getByTestId('quality').getAttribute('data-value'));
  expect(calibrated).toBeGreaterThan(magnitude + 0.02);
  expect(original - calibrated).toBeLessThan(0.03);
  await expect(variantRow('Variant 2').getByTestId('quality').locator('span').first()).toHaveAttribute('title', /800 of 1,000 .*the first 200 samples calibrate/);

  // The export says which data calibrated it, and loads in stock TF.js.
  await page.getByRole('radio', { name: 'Select Variant 2' }).check();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  const path = info.outputPath('calibrated.zip');
  await download.saveAs(path);
  const check = readZip(download, path);
  const pare = (check.modelJson.userDefinedMetadata as { pare: { applied: { data: Record<string, string> }; recipe: { steps: { method?: string }[] } } }).pare;
  expect(pare.applied.data.calibration).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(pare.recipe.steps.map((s) => s.method)).toEqual(['obs', 'gptq']);
  const stock = await loadWithStockTfjs(check);
  expect(stock.weights.size).toBe(6);
});

test('sample MLP: Find the smallest recipe within a point, cancel it midway, and Apply the best found so far', async ({ page }) => {
  test.setTimeout(300_000);
  await openSample(page, mlp, { latencyRuns: 0 });
  await expect(page.getByTestId('find-summary')).toHaveText(/Open data to search/);

  await dropSampleData(page, mlp);

  await page.getByRole('combobox', { name: 'Target' }).selectOption('max-drop');
  await page.getByRole('spinbutton', { name: 'Target value' }).fill('1');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  // Uint8 unpruned, then the bisection: cancel once three recipes were tried, so at least one met the target.
  await expect(page.getByTestId('job-status')).toContainText(/recipes tried [3-9]\//, { timeout: 180_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('job-notice')).toContainText(/The search was cancelled after \d+ recipes; the best so far is in the controls/);
  await expect(page.getByRole('combobox', { name: 'Pruning method' })).toHaveValue('obs');
  await expect(page.getByRole('combobox', { name: 'Rounding' })).toHaveValue('gptq');
  await expect(page.getByTestId('find-summary')).toContainText('on samples 257–1,000');

  await applyAndWait(page, 'Variant 1');
  const accuracy = (id: string) => page.getByTestId(`variant-row-${id}`).getByTestId('quality').getAttribute('data-value');
  const original = Number(await accuracy('original'));
  const variant = Number(await page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: 'Variant 1' }).getByTestId('quality').getAttribute('data-value'));
  expect((original - variant) * 100).toBeLessThanOrEqual(1 + 1e-9);
});

test('sample CNN: Sensitivity measures each layer alone on the data, streams its rows, and the layer table shows them', async ({ page }) => {
  test.setTimeout(240_000);
  await openSample(page, cnn);
  const panel = page.getByRole('region', { name: 'Sensitivity' });
  await expect(panel.getByText(/Open data to measure/)).toBeVisible();

  await dropSampleData(page, cnn);
  await panel.getByRole('button', { name: 'Measure sensitivity' }).click();
  const table = panel.getByRole('table', { name: 'Sensitivity of each layer' });
  await expect(table.getByRole('row')).toHaveCount(1 + 5, { timeout: 180_000 });
  await expect(page.getByTestId('job-status')).toHaveCount(0);
  await expect(panel.getByTestId('sensitivity-chart')).toBeVisible();
  await expect(table.getByRole('columnheader')).toHaveText(['Tensor', 'Params', '50%', '70%', '90%', 'uint8', '4-bit', '3-bit', '2-bit']);
  // Most sensitive first: the first row's worst cost is at least the last row's.
  const worst = async (row: number) => Math.max(...(await table.getByRole('row').nth(row).getByRole('cell').allTextContents()).slice(2).map(Number));
  expect(await worst(1)).toBeGreaterThanOrEqual(await worst(5));
  await expect(page.getByTestId('layer-sensitivity')).toHaveCount(5);
});
