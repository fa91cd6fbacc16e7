/**
 * Transfer learning in the studio: open the sample CNN, drop two class folders (real Fashion-MNIST training images
 * from Debian's files, written as PNGs now), see the classes with their counts and images, keep the default cut,
 * train a few epochs, see the variant on the chart and in the table, and export it: stock TF.js loads a model
 * with two outputs, and metadata.json lists the two labels.
 */
import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fashionFolders } from '../src/train/retarget/testing/fashion-folders';
import { dropFiles } from './helpers';
import { chartPoints, loadWithStockTfjs, readZip } from './journey-helpers';
import { openSample, sample } from './sample-session';

const PER_CLASS = 25;

test('teach the sample CNN two classes from image folders, then export it with their labels', async ({ page }, testInfo) => {
  await openSample(page, sample('fashion-cnn'), { withData: true, latencyRuns: 3 });
  const panel = page.getByRole('region', { name: 'New classes' });
  // Trouser (1) and Ankle boot (9), from the training set.
  const files = fashionFolders('train', [1, 9], PER_CLASS).map((f) => ({ name: f.name, mimeType: 'image/png', buffer: Buffer.from(f.data) }));
  await dropFiles(page, panel.getByTestId('classes-drop-zone'), files);

  const classes = panel.getByRole('list', { name: 'Classes found' }).getByRole('listitem');
  await expect(classes).toHaveCount(2);
  await expect(classes.nth(0)).toContainText('Ankle_boot');
  await expect(classes.nth(1)).toContainText('Trouser');
  await expect(classes.nth(1)).toContainText(`${PER_CLASS} images · 20 train, 5 test`);
  await expect(panel.getByRole('img', { name: 'Sample labelled Trouser' })).toHaveCount(3);

  // The default cut is the core's: the flatten before the classifier.
  const cut = panel.getByRole('combobox', { name: 'Cut at' });
  await expect(cut).toHaveValue('flatten');
  await expect(cut.locator('option:checked')).toHaveText(/^flatten \(Flatten\) 400 — default$/);

  await panel.getByRole('spinbutton', { name: 'Epochs' }).fill('5');
  await panel.getByRole('button', { name: 'Train', exact: true }).click();
  const result = panel.getByTestId('classes-result');
  await expect(result).toContainText('New classes: Ankle_boot, Trouser', { timeout: 90_000 });
  await expect(result).toContainText('on 10 held-out images');
  await expect(panel.getByTestId('classes-training')).toContainText('Epoch 5 of 5');
  await expect(panel.getByTestId('training-chart')).toHaveAttribute('aria-label', /^Training curves: 5 epochs finished, best checkpoint at epoch \d/);

  const row = page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: 'New classes: Ankle_boot, Trouser' });
  await expect(row).toBeVisible();
  await expect(row.getByText('not measured')).toHaveCount(0);
  await expect(chartPoints(page, 'variant').first()).toBeVisible();

  mkdirSync(testInfo.outputDir, { recursive: true });
  await panel.screenshot({ path: testInfo.outputPath('new-classes-1280.png') });
  await page.setViewportSize({ width: 390, height: 900 });
  await panel.screenshot({ path: testInfo.outputPath('new-classes-390.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  const path = testInfo.outputPath('export.zip');
  await download.saveAs(path);
  const zip = readZip(download, path);
  const metadata = JSON.parse(new TextDecoder().decode(zip.files['metadata.json'])) as { labels: string[] };
  expect(metadata.labels).toEqual(['Ankle_boot', 'Trouser']);
  type Layer = { class_name: string; config: { name: string; units?: number } };
  const layers = (zip.modelJson.modelTopology as { config: { layers: Layer[] } }).config.layers;
  const head = layers.at(-1)!;
  expect(head).toMatchObject({ class_name: 'Dense', config: { units: 2 } });
  // Stock TF.js loads it, with a 400 x 2 head on the flatten layer's features.
  const loaded = await loadWithStockTfjs(zip);
  expect(loaded.format).toBe('layers-model');
  expect(loaded.weights.get(`${head.config.name}/kernel`)?.length).toBe(400 * 2);
});

test('one class folder is refused with a sentence, and two then open', async ({ page }) => {
  await openSample(page, sample('fashion-cnn'));
  const panel = page.getByRole('region', { name: 'New classes' });
  const png = (set: number[], n: number) => fashionFolders('train', set, n).map((f) => ({ name: f.name, mimeType: 'image/png', buffer: Buffer.from(f.data) }));
  await dropFiles(page, panel.getByTestId('classes-drop-zone'), png([1], 4));
  await expect(panel.getByRole('alert')).toContainText("New classes need at least two class folders, one per class, each holding that class's images; found only one class folder, 'Trouser/' (4 images).");
  await expect(panel.getByRole('button', { name: 'Train', exact: true })).toHaveAttribute('aria-disabled', 'true');
  await dropFiles(page, panel.getByTestId('classes-drop-zone'), png([1, 9], 4));
  await expect(panel.getByRole('list', { name: 'Classes found' }).getByRole('listitem')).toHaveCount(2);
  await expect(panel.getByRole('alert')).toHaveCount(0);
});
