/**
 * Opening models in the built studio the ways a person does: the file button, a real drop, a zip; a broken
 * model's error; the parameter counts of real published models.
 */
import { expect, test } from '@playwright/test';
import { zipSync } from 'fflate';
import { join } from 'node:path';
import { dropFiles, expectParams, fixture, fixturesDir, manifestParams, regions } from './helpers';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Pare', level: 1 })).toBeVisible();
});

test('the "Open model" file button opens a layers model with its shard (nsfwjs, uint8, old format)', async ({ page }) => {
  const files = fixture('nsfwjs-mobilenet-v2');
  await regions(page).openModel.setInputFiles(files);
  // model.countParams() of this model, as stock TF.js reports it.
  await expectParams(page, 2_619_461);
  // Named after the model: a bare model.json is read for the name Keras gave it.
  const inventory = page.getByRole('region', { name: 'model_1' });
  await expect(inventory.getByText('layers-model', { exact: true })).toBeVisible();
  await expect(page.getByTestId('weight-bytes')).toHaveText('2.5 MiB');
  await expect(page.getByTestId('weight-bytes')).toHaveAttribute('title', '2,619,461 bytes');
  // Inputs and outputs with their shapes.
  await expect(inventory.getByRole('cell', { name: '? × 224 × 224 × 3' })).toBeVisible();
  // Every manifest weight has a row; quantized storage is shown.
  const weightCount = JSON.parse(files.find((f) => f.name === 'model.json')!.buffer.toString()).weightsManifest[0]
    .weights.length as number;
  await expect(inventory.locator('.weight-table tbody tr')).toHaveCount(weightCount);
  await expect(inventory.locator('.weight-table tbody').getByText('uint8 (affine)').first()).toBeVisible();
});

test('a real drop event opens a graph model (human emotion, float32)', async ({ page }) => {
  const files = fixture('human-emotion');
  await dropFiles(page, regions(page).dropZone, files);
  await expectParams(page, manifestParams(files.find((f) => f.name === 'emotion.json')!.buffer));
  await expect(page.getByRole('region', { name: 'emotion', exact: true }).getByText('graph-model')).toBeVisible();
});

test('a zip holding a model folder opens like the files themselves', async ({ page }) => {
  const files = fixture('nsfwjs-mobilenet-v2');
  const zip = zipSync(Object.fromEntries(files.map((f) => [`nsfw/${f.name}`, new Uint8Array(f.buffer)])));
  await regions(page).openModel.setInputFiles({ name: 'nsfw.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expectParams(page, 2_619_461);
  await expect(page.getByRole('heading', { name: 'nsfw', exact: true })).toBeVisible();
});

test('the "Open folder" input opens a folder, keeping relative paths (human blazeface)', async ({ page }) => {
  const files = fixture('human-blazeface');
  await page.getByLabel('Open folder', { exact: true }).setInputFiles(join(fixturesDir, 'human-blazeface'));
  await expectParams(page, manifestParams(files.find((f) => f.name === 'blazeface.json')!.buffer));
  await expect(page.getByRole('heading', { name: 'human-blazeface', exact: true })).toBeVisible();
});

test('an empty drop says there was nothing to open', async ({ page }) => {
  await dropFiles(page, regions(page).dropZone, []);
  const alert = regions(page).model.getByRole('alert');
  await expect(alert).toContainText('Nothing was dropped');
  await expect(page.getByTestId('param-count')).toHaveCount(0);
});

test('a Teachable Machine style export (model.json + weights.bin + metadata.json) shows its class labels', async ({ page }) => {
  // nsfwjs's real layers model, laid out as Teachable Machine exports it.
  const nsfw = fixture('nsfwjs-mobilenet-v2');
  const modelJson = JSON.parse(nsfw.find((f) => f.name === 'model.json')!.buffer.toString());
  modelJson.weightsManifest[0].paths = ['weights.bin'];
  const labels = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
  await regions(page).openModel.setInputFiles([
    { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(modelJson)) },
    { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: nsfw.find((f) => f.name === 'group1-shard1of1')!.buffer },
    { name: 'metadata.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ labels, tfjsVersion: '1.3.1' })) },
  ]);
  await expectParams(page, 2_619_461);
  const labelList = page.getByRole('heading', { name: 'Class labels (5)' }).locator('..').getByRole('listitem');
  await expect(labelList).toHaveText(labels);
  await expect(page.getByText('read by teachable-machine')).toBeVisible();
});

test('the parameter count of a quantized graph model matches its manifest (human handtrack, uint8)', async ({ page }) => {
  const files = fixture('human-handtrack');
  await regions(page).openModel.setInputFiles(files);
  const expected = manifestParams(files.find((f) => f.name === 'handtrack.json')!.buffer);
  expect(expected).toBeGreaterThan(1_000_000); // the fixture is the real model, not a stub
  await expectParams(page, expected);
});

test('a broken model shows its error naming the file, keeps the open model, and the page still works', async ({ page }) => {
  const { model } = regions(page);
  const emotion = fixture('human-emotion');
  await regions(page).openModel.setInputFiles(emotion);
  const emotionParams = manifestParams(emotion.find((f) => f.name === 'emotion.json')!.buffer);
  await expectParams(page, emotionParams);

  // nsfwjs's model.json without its shard.
  const modelJson = fixture('nsfwjs-mobilenet-v2').filter((f) => f.name === 'model.json');
  await regions(page).openModel.setInputFiles(modelJson);
  const alert = model.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('group1-shard1of1');
  // The model that was open stays open.
  await expectParams(page, emotionParams);

  // And the page still opens a good model afterwards; the error goes away.
  await regions(page).openModel.setInputFiles(fixture('nsfwjs-mobilenet-v2'));
  await expectParams(page, 2_619_461);
  await expect(alert).toBeHidden();
});

test('files that are not a model get their own message', async ({ page }) => {
  await regions(page).openModel.setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('shopping list: eggs, milk'),
  });
  const alert = regions(page).model.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('notes.txt');
});

test('the weight table sorts by clicking a column header', async ({ page }) => {
  await regions(page).openModel.setInputFiles(fixture('nsfwjs-mobilenet-v2'));
  await expectParams(page, 2_619_461);
  const table = page.locator('.weight-table');
  const paramsHeader = table.getByRole('columnheader', { name: 'Params' });
  const paramsColumn = table.locator('tbody tr td:nth-child(5)');
  const column = async () => (await paramsColumn.allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  await expect(table.locator('tbody tr')).toHaveCount(266);
  const manifestOrder = await column();
  await expect(paramsHeader).not.toHaveAttribute('aria-sort');

  await paramsHeader.getByRole('button').click();
  await expect(paramsHeader).toHaveAttribute('aria-sort', 'descending');
  const descending = [...manifestOrder].sort((a, b) => b - a);
  expect(descending).not.toEqual(manifestOrder); // the check below could fail
  // Rows render as a deferred update: wait for them to follow the header.
  await expect.poll(column).toEqual(descending);

  await paramsHeader.getByRole('button').click();
  await expect(paramsHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(column).toEqual([...descending].reverse());
});

test('an output whose shape the model does not state reads "shape unknown", not "scalar"', async ({ page }) => {
  // The emotion model without its signature: its output node carries no shape.
  const files = fixture('human-emotion').map((f) => {
    if (f.name !== 'emotion.json') return f;
    const json = JSON.parse(f.buffer.toString());
    delete json.userDefinedMetadata.signature;
    return { ...f, buffer: Buffer.from(JSON.stringify(json)) };
  });
  await regions(page).openModel.setInputFiles(files);
  await expectParams(page, manifestParams(files.find((f) => f.name === 'emotion.json')!.buffer));
  const inventory = page.getByRole('region', { name: 'emotion', exact: true });
  const outputs = inventory.locator('.tensor-table').filter({ has: page.getByRole('heading', { name: 'Outputs' }) });
  await expect(outputs.getByRole('row').filter({ hasText: 'Identity' })).toContainText('shape unknown');
  await expect(outputs.getByText('scalar')).toHaveCount(0);
});
