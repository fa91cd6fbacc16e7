/**
 * The Structure panel on the sample CNN: the channel groups (named after their layers, with the one Pare leaves
 * alone saying why), a per-group ratio beside the global ratio (the same value as the Make it faster slider), the
 * multiply-adds the worker computes for them, the measured latency, and the Export panel's fused graph model,
 * loaded with stock tf.loadGraphModel inside the page.
 */
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import { readZip } from './journey-helpers';
import { openSample, sample } from './sample-session';

const cnn = sample('fashion-cnn');
const tfjsBundle = createRequire(import.meta.url).resolve('@tensorflow/tfjs/dist/tf.min.js');

test('sample CNN: per-group ratio, multiply-adds, measured latency, and a fused graph model stock TF.js runs in the page', async ({ page }, info) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await openSample(page, cnn, { withData: true, latencyRuns: 5 });
  const panel = page.getByRole('region', { name: 'Structure' });
  const macsAfter = panel.getByTestId('macs-after');
  await expect(macsAfter).toHaveText('416,520');
  await expect(panel.getByTestId('group-conv2')).toContainText('fc1');
  await panel.getByText(/groups? Pare leaves alone/).click();
  await expect(panel.getByRole('list', { name: 'Groups Pare leaves alone' })).toContainText('softmax');

  // One global ratio: the Structure slider and the Make it faster slider show the same value.
  await panel.getByRole('slider', { name: /Global ratio/ }).fill('25');
  await expect(page.getByTestId('channel-ratio-value')).toHaveText('25%');
  // conv2 gets its own ratio; the worker's multiply-adds follow.
  await panel.getByRole('combobox', { name: 'Channels removed from conv2' }).selectOption('50');
  await expect(panel.getByTestId('group-conv2').getByTestId('group-channels')).toHaveText('8 of 16');
  // The global ratio ranks channels across the other groups (normalised per group), so fc1 loses about 25%.
  await expect(panel.getByTestId('group-fc1').getByTestId('group-channels')).toHaveText(/^\d+ of 120$/);
  await expect(panel.getByTestId('structure-macs')).not.toHaveClass(/pending/);
  const after = Number((await macsAfter.textContent())!.replace(/,/g, ''));
  expect(after).toBeLessThan(416_520 * 0.7);
  expect(after).toBeGreaterThan(0);
  await panel.screenshot({ path: info.outputPath('structure-1280.png') });

  await panel.getByRole('button', { name: 'Apply and measure' }).click();
  const row = (name: string) => page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: name });
  await expect(row('Variant 1').getByTestId('latency')).toContainText('ms', { timeout: 120_000 });
  await expect(panel.getByTestId('structure-latency')).toContainText(/Variant 1 [\d.]+ (ms|µs)/);
  // The accuracy-vs-latency chart has the variant on it (measured, not estimated).
  await expect(page.getByTestId('tradeoff-chart').nth(1).locator('[data-point="variant"]')).toHaveCount(1);

  await page.setViewportSize({ width: 390, height: 900 });
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: info.outputPath('structure-390.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Fused export: a new variant, 'Variant 1 + fused', exported as a graph model.
  const exportPanel = page.getByRole('region', { name: 'Export' });
  await exportPanel.getByRole('checkbox', { name: 'Fused graph model' }).check();
  await expect(exportPanel).toContainText("adds a new variant, 'Variant 1 + fused'");
  await expect(exportPanel).toContainText('tf.loadGraphModel');
  await exportPanel.screenshot({ path: info.outputPath('export-fused-1280.png') });
  const downloading = page.waitForEvent('download');
  await exportPanel.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  const path = info.outputPath('fused.zip');
  await download.saveAs(path);
  await expect(row('Variant 1 + fused')).toBeVisible();
  const check = readZip(download, path);
  expect(check.modelJson.format).toBe('graph-model');
  const conv2 = check.manifest.filter((w) => w.shape.length === 4 && w.shape[3] === 8);
  expect(conv2.length).toBeGreaterThan(0);

  // Stock TF.js, loaded into the page itself, reads the export and runs it.
  await page.addScriptTag({ path: tfjsBundle });
  const group = (check.modelJson.weightsManifest as { paths: string[]; weights: unknown[] }[])[0]!;
  const shape = await page.evaluate(
    async ({ modelTopology, signature, weightSpecs, shard }) => {
      const tf = (window as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
      await tf.setBackend('cpu');
      const weightData = new Uint8Array(shard).buffer;
      const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology, format: 'graph-model', weightSpecs, weightData, signature } as never));
      const y = model.predict(tf.zeros([1, 28, 28, 1])) as import('@tensorflow/tfjs').Tensor;
      const sum = (await y.sum().data())[0];
      return { shape: y.shape, sum };
    },
    { modelTopology: check.modelJson.modelTopology, signature: check.modelJson.signature, weightSpecs: group.weights, shard: [...check.files[group.paths[0]!]!] },
  );
  expect(shape.shape).toEqual([1, 10]);
  expect(shape.sum).toBeCloseTo(1, 4);
});
