/**
 * The whole journey in the built studio, as a person does it: open a model, set 50% global sparsity and uint8,
 * Apply, see the original and the variant on the charts, Export, check the downloaded zip with stock TF.js in
 * Node, and reload the page to find the variant still there. On the sample MLP and on a real published model.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { dropFiles, expectParams, fixture } from './helpers';
import { stockAccuracy } from './stock-accuracy';
import { applyAndWait, chartPoints, kernelNames, loadWithStockTfjs, readZip, recordRequests, setCompression, zeroFraction } from './journey-helpers';

const samples = JSON.parse(readFileSync(join(process.cwd(), 'public', 'samples', 'index.json'), 'utf8')) as {
  id: string;
  name: string;
  params: number;
}[];
const mlp = samples.find((s) => s.id === 'fashion-mlp')!;

/** `npm run pare -- eval <model> --data <images> <labels> --json`, run as a user would, on the sample's files. */
function cliAccuracy(sample: { files: string[]; data: { images: string; labels: string } }): number {
  const dir = join(process.cwd(), 'public', 'samples');
  const model = join(dir, sample.files[0].split('/')[0]);
  const out = execFileSync(
    join(process.cwd(), 'node_modules', '.bin', 'tsx'),
    ['src/cli/main.ts', 'eval', model, '--data', join(dir, sample.data.images), join(dir, sample.data.labels), '--json'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return (JSON.parse(out) as { accuracy: number }).accuracy;
}

test('sample MLP: 50% + uint8, Apply, charts, Export a zip stock TF.js loads, reload keeps the variant', async ({ page, baseURL }, info) => {
  const requests = recordRequests(page, baseURL!);
  await page.goto('/');
  await page.getByRole('button', { name: `Open sample model: ${mlp.name}` }).click();
  await expectParams(page, mlp.params);

  // The live estimate follows the controls.
  await setCompression(page, 50, 'uint8');
  await expect(page.getByTestId('size-estimate')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('estimate-raw')).toContainText('KiB');

  await applyAndWait(page, 'Variant 1');
  // Both charts show the original and the variant.
  for (const chart of [0, 1]) {
    await expect(chartPoints(page, 'original', chart)).toHaveCount(1);
    await expect(chartPoints(page, 'variant', chart)).toHaveCount(1);
  }
  // Without data the variant is compared with the original, and says it is a weak proxy.
  await expect(page.getByTestId('variant-row-original').getByText('reference')).toBeVisible();

  // Histogram of the first layer: the pruned spike shows as zeros after.
  await page.getByRole('button', { name: 'Histogram of fc1' }).click();
  await expect(page.getByTestId('weight-histogram')).toHaveAttribute('aria-label', /zeros before, .* after \(Variant 1\)/);

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  const path = info.outputPath('export.zip');
  await download.saveAs(path);
  const zip = readZip(download, path);
  expect(Object.keys(zip.files).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'recipe.json']);
  expect(zip.manifest.every((w) => w.quantization?.dtype === 'uint8')).toBe(true);
  const recipe = JSON.parse(new TextDecoder().decode(zip.files['recipe.json']));
  expect(recipe).toMatchObject({
    pare: 'recipe',
    version: 2,
    steps: [
      { step: 'prune', sparsity: 0.5 },
      { step: 'quantize', default: 'uint8' },
    ],
  });
  const stock = await loadWithStockTfjs(zip);
  const kernels = kernelNames(zip.manifest);
  expect(kernels).toEqual(['fc1/kernel', 'fc2/kernel', 'fc3/kernel']);
  expect(zeroFraction(stock.weights, kernels)).toBeCloseTo(0.5, 4);
  // Biases are not pruned.
  expect(zeroFraction(stock.weights, ['fc1/bias'])).toBeLessThan(0.1);

  // Each file alone.
  const single = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download recipe.json' }).click();
  expect((await single).suggestedFilename()).toBe('recipe.json');

  // Reload: the session comes back from IndexedDB, variant and measurements included.
  await page.reload();
  await expectParams(page, mlp.params);
  await expect(page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: 'Variant 1' })).toBeVisible();
  await expect(chartPoints(page, 'variant')).toHaveCount(1);
  await expect(chartPoints(page, 'original')).toHaveCount(1);
  await expect(page.getByTestId('global-sparsity-value')).toHaveText('50%');

  expect(requests.outside()).toEqual([]);
});

test('real published model (nsfwjs MobileNetV2, uint8 layers model): cancel, then 50% + uint8 and its export', async ({ page, baseURL }, info) => {
  test.setTimeout(240_000);
  const requests = recordRequests(page, baseURL!);
  await page.goto('/');
  await page.getByLabel('Open model', { exact: true }).setInputFiles(fixture('nsfwjs-mobilenet-v2'));
  await expectParams(page, 2_619_461);
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('3');

  // A job can be cancelled; the studio stays usable and keeps nothing half-made.
  await setCompression(page, 90, 'bits-4');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByTestId('job-status')).toBeVisible();
  await page.getByTestId('job-status').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('job-status')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Compress' }).getByRole('alert')).toHaveCount(0);
  // Cancelled while building: nothing kept; while measuring: the built variant is kept, unmeasured, and can go.
  const first = page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: 'Variant 1' });
  if ((await first.count()) > 0) {
    await expect(first.getByText('not measured')).toBeVisible();
    await page.getByRole('button', { name: 'Delete Variant 1' }).click();
  }
  await expect(page.getByRole('table', { name: 'Variants' }).getByRole('row')).toHaveCount(2); // header + original

  await setCompression(page, 50, 'uint8');
  await applyAndWait(page, 'Variant 2');
  await expect(chartPoints(page, 'original')).toHaveCount(1);
  await expect(chartPoints(page, 'variant')).toHaveCount(1);
  await expect(page.getByText(/generated inputs, a weak proxy/)).toBeVisible();

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  const path = info.outputPath('nsfw.zip');
  await download.saveAs(path);
  const zip = readZip(download, path);
  expect(zip.manifest.every((w) => w.quantization?.dtype === 'uint8')).toBe(true);
  const stock = await loadWithStockTfjs(zip);
  const kernels = kernelNames(zip.manifest);
  expect(kernels.length).toBeGreaterThan(50);
  expect(zeroFraction(stock.weights, kernels)).toBeCloseTo(0.5, 3);

  await page.reload();
  await expectParams(page, 2_619_461);
  await expect(chartPoints(page, 'variant')).toHaveCount(1);
  expect(requests.outside()).toEqual([]);
});

test('sample data: drop it, see classes and samples, Measure, and get the accuracy `pare eval` and a stock predict loop give', async ({ page }) => {
  const index = JSON.parse(readFileSync(join(process.cwd(), 'public', 'samples', 'index.json'), 'utf8'));
  const entry = index.find((s: { id: string }) => s.id === 'fashion-mlp');
  await page.goto('/');
  await page.getByRole('button', { name: `Open sample model: ${mlp.name}` }).click();
  await expectParams(page, mlp.params);
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('3');

  const dataDir = join(process.cwd(), 'public', 'samples');
  const dataFiles = [entry.data.images, entry.data.labels].map((p: string) => ({
    name: p.split('/').pop()!,
    mimeType: 'application/gzip',
    buffer: readFileSync(join(dataDir, p)),
  }));
  await dropFiles(page, page.getByTestId('data-drop-zone'), dataFiles);
  const dataPanel = page.getByRole('region', { name: 'Data' });
  await expect(dataPanel.getByTestId('data-count')).toHaveText('1,000 samples · labelled');
  await expect(dataPanel.getByTestId('preprocessing')).toContainText('28');
  await expect(dataPanel.getByRole('img', { name: /^Sample labelled / })).toHaveCount(8);
  await expect(dataPanel.getByText(/^10 classes, from/)).toBeVisible();

  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  const quality = page.getByTestId('variant-row-original').getByTestId('quality');
  await expect(quality).toHaveAttribute('data-value', /\d/, { timeout: 60_000 });
  const shown = Number(await quality.getAttribute('data-value'));
  // The figure the sample's index.json states for this subset (computed by the training script with stock TF.js)...
  expect(Math.abs(shown - entry.accuracy.subset1000)).toBeLessThan(1e-9);
  // ... the one `pare eval` computes for the same files ...
  expect(Math.abs(shown - cliAccuracy(entry))).toBeLessThan(1e-9);
  // ... and the one a stock predict loop over the same files gives here.
  expect(Math.abs(shown - (await stockAccuracy(entry)))).toBeLessThan(1e-9);
  await expect(quality).toContainText(`${(entry.accuracy.subset1000 * 100).toFixed(1)}%`);
  await expect(page.getByTestId('variant-row-original').getByTestId('latency')).toContainText('ms');
});
