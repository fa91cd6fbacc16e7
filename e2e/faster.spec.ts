/**
 * Making a model faster in the studio, on the sample CNN: remove half its channels, refit from the sample data,
 * fold and fuse; the variant has fewer parameters, is measured for latency and accuracy (refitting recovers much of
 * what removal alone loses), and its export is a graph model that stock TF.js loads and runs.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from '@playwright/test';
import { applyAndWait, readZip } from './journey-helpers';
import { openSample, sample } from './sample-session';

const cnn = sample('fashion-cnn');

test('sample CNN: 50% of channels removed and refitted, fused: measured latency, and a graph model stock TF.js runs', async ({ page }, info) => {
  test.setTimeout(240_000);
  await openSample(page, cnn, { withData: true, latencyRuns: 5 });

  await page.getByRole('slider', { name: 'Channels removed' }).fill('50');
  await expect(page.getByTestId('channel-ratio-value')).toHaveText('50%');
  await page.getByRole('checkbox', { name: /Refit the next layers/ }).check();
  await page.getByRole('checkbox', { name: /Fold batch norms and fuse activations/ }).check();
  // Least squares over the 200 inputs fc1 keeps needs well over 200 samples.
  await page.getByRole('spinbutton', { name: 'Calibration samples' }).fill('600');
  await applyAndWait(page, 'Variant 1');

  const row = (name: string) => page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: name });
  await expect(row('Variant 1').getByTestId('latency')).toContainText('ms');
  const quality = async (name: string) => Number(await row(name).getByTestId('quality').getAttribute('data-value'));
  const refitted = await quality('Variant 1');

  // The same removal without refitting loses much more: what the least squares recovered.
  await page.getByRole('checkbox', { name: /Refit the next layers/ }).uncheck();
  await applyAndWait(page, 'Variant 2');
  expect(refitted).toBeGreaterThan((await quality('Variant 2')) + 0.05);
  const original = Number(await page.getByTestId('variant-row-original').getByTestId('quality').getAttribute('data-value'));
  expect(original - refitted).toBeLessThan(0.15);

  await page.getByRole('radio', { name: 'Select Variant 1' }).check();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  const path = info.outputPath('faster.zip');
  await download.saveAs(path);
  const check = readZip(download, path);
  expect(check.modelJson.format).toBe('graph-model');
  const params = check.manifest.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  expect(params).toBeLessThan(cnn.params * 0.6);

  tf.enableProdMode();
  await tf.setBackend('cpu');
  const group = (check.modelJson.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[])[0]!;
  const shard = check.files[group.paths[0]!]!;
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: check.modelJson.modelTopology as object, format: 'graph-model', weightSpecs: group.weights, weightData: shard.slice().buffer, signature: check.modelJson.signature as object }),
  );
  const out = model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor;
  expect(out.shape).toEqual([1, 10]);
  model.dispose();
});
