/**
 * Each reader opens what it should, from the shapes of drop a person makes: files, a folder, a zip, a Teachable
 * Machine export; and the artifacts it produces load into stock TF.js and compute what the original computes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { openModel, readers } from './index';
import { loadTfModel } from '../model/load-tf';
import type { InputFile } from '../model/types';
import { artifactsToFiles, jsonFile } from './testing/encode';
import { denseModel, nestedModel, saveArtifacts, useCpu } from './testing/build-models';
import { GRAPH_WEIGHTS, graphModelFiles } from './testing/graph-model';
import { realFiles } from './testing/files';
import { stockLayers, stockWeights } from './testing/stock';

beforeAll(useCpu);

const zipOf = (files: InputFile[]): Uint8Array => zipSync(Object.fromEntries(files.map((f) => [f.name, f.data])));

function predict(model: tf.LayersModel, x: tf.Tensor): number[] {
  return Array.from((model.predict(x) as tf.Tensor).dataSync());
}

describe('registry', () => {
  it('has one reader per format, with distinct ids', () => {
    expect(readers.map((r) => r.id)).toEqual(['teachable-machine', 'tfjs-layers', 'tfjs-graph']);
  });
});

describe('tfjs-layers', () => {
  it('opens model.json + shard; the artifacts load into stock TF.js and predict like the original', async () => {
    const original = denseModel();
    const files = artifactsToFiles(await saveArtifacts(original));
    const model = await openModel(files);
    expect(model).toMatchObject({ format: 'layers-model', reader: 'tfjs-layers', modelJsonName: 'model.json' });
    expect(model.modelJsonBytes).toBe(files[0].data.byteLength);
    expect(model.inputs).toEqual([{ name: 'hidden_input', shape: [null, 6], dtype: 'float32' }]);
    expect(model.outputs).toEqual([{ name: 'probs', shape: [null, 3], dtype: 'float32' }]);
    expect(model.weights.map((w) => `${w.name}:${w.owner}:${w.ownerType}`)).toContain('hidden_bn/gamma:hidden_bn:BatchNormalization');
    expect(model.artifacts.weightData).toBeInstanceOf(ArrayBuffer);
    expect((model.artifacts.weightData as ArrayBuffer).byteLength).toBe(files[1].data.byteLength);

    const loaded = await loadTfModel(model.artifacts, 'layers-model');
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 1);
    expect(predict(loaded, x)).toEqual(predict(original, x));
  });

  it('finds shards in the dropped folder, with Windows separators and URL-encoded names', async () => {
    const files = artifactsToFiles(await saveArtifacts(denseModel()));
    const json = JSON.parse(new TextDecoder().decode(files[0].data));
    json.weightsManifest[0].paths = ['my%20weights.bin'];
    const dropped = [jsonFile('exports\\v1\\model.json', json), { name: 'exports\\v1\\my weights.bin', data: files[1].data }];
    const model = await openModel(dropped);
    expect(model.modelJsonName).toBe('exports/v1/model.json');
    expect(model.warnings).toEqual([]);
  });

  it('reads several weight groups, each with its own shards, in manifest order', async () => {
    const files = artifactsToFiles(await saveArtifacts(denseModel()));
    const json = JSON.parse(new TextDecoder().decode(files[0].data));
    const [group] = json.weightsManifest;
    const firstBytes = 4 * (6 * 5 + 5); // hidden/kernel + hidden/bias
    json.weightsManifest = [
      { paths: ['a.bin'], weights: group.weights.slice(0, 2) },
      { paths: ['b1.bin', 'b2.bin'], weights: group.weights.slice(2) },
    ];
    const data = files[1].data;
    const split = [
      jsonFile('model.json', json),
      { name: 'a.bin', data: data.slice(0, firstBytes) },
      { name: 'b1.bin', data: data.slice(firstBytes, firstBytes + 40) },
      { name: 'b2.bin', data: data.slice(firstBytes + 40) },
    ];
    const model = await openModel(split);
    const stock = stockWeights(await stockLayers(split, 'model.json'));
    for (const w of model.weights) expect(Array.from(w.values), w.name).toEqual(Array.from(stock.get(w.name)!));
  });

  it('prefers model.json when another model JSON is dropped beside it', async () => {
    const files = [...artifactsToFiles(await saveArtifacts(denseModel())), ...graphModelFiles()];
    const model = await openModel(files);
    expect(model.modelJsonName).toBe('model.json');
    expect(model.warnings.find((w) => w.code === 'unused-file')?.message).toContain("'graph.json'");
  });

  it("surfaces labels from Pare's own metadata (userDefinedMetadata.pare)", async () => {
    const files = artifactsToFiles(await saveArtifacts(denseModel()), {
      extra: { userDefinedMetadata: { pare: { labels: ['cat', 'dog', 'bird'], preprocessing: { scale: 1 / 255 } } } },
    });
    const model = await openModel(files);
    expect(model.labels).toEqual(['cat', 'dog', 'bird']);
    expect(model.artifacts.userDefinedMetadata).toEqual({ pare: { labels: ['cat', 'dog', 'bird'], preprocessing: { scale: 1 / 255 } } });
  });
});

describe('tfjs-graph', () => {
  it('opens a graph model under any .json name; stock TF.js runs the artifacts', async () => {
    const model = await openModel(graphModelFiles({ name: 'tiny.json' }));
    expect(model).toMatchObject({ format: 'graph-model', reader: 'tfjs-graph', modelJsonName: 'tiny.json' });
    expect(Array.from(model.weights.find((w) => w.name === 'w')!.values)).toEqual(Array.from(GRAPH_WEIGHTS.w));
    expect(model.weights.find((w) => w.name === 'shape')!.values).toBeInstanceOf(Int32Array);

    const loaded = await loadTfModel(model.artifacts, 'graph-model');
    const x = tf.tensor2d([[1, 0, 0, 0], [0, 1, 0, 0]]);
    const out = loaded.execute(x, 'out') as tf.Tensor;
    // Row i of x picks row i of w, plus the bias.
    const w = GRAPH_WEIGHTS.w;
    const b = GRAPH_WEIGHTS.b;
    const expected = [0, 1].flatMap((r) => [0, 1, 2].map((c) => Math.fround(w[r * 3 + c] + b[c])));
    expect(Array.from(out.dataSync())).toEqual(expected);
  });

  it('without a signature: inputs are the Placeholders, outputs the nodes nothing consumes', async () => {
    const model = await openModel(graphModelFiles());
    expect(model.inputs).toEqual([{ name: 'x', shape: [null, 4], dtype: 'float32' }]);
    expect(model.outputs.map((o) => o.name)).toEqual(['out', 'out2']);
    expect(model.outputs[0]).toMatchObject({ shape: [], shapeUnknown: true, dtype: 'float32' });
  });

  it('with a signature: its names, shapes and dtypes', async () => {
    const model = await openModel(graphModelFiles({ signature: true }));
    expect(model.outputs).toEqual([
      { name: 'out', shape: [null, 3], dtype: 'float32' },
      { name: 'out2', shape: [null, 2], dtype: 'float32' },
    ]);
  });

  it('reads the signature some converters put in userDefinedMetadata (human-emotion)', async () => {
    const model = await openModel(realFiles('human-emotion'));
    expect(model.inputs).toEqual([{ name: 'input_1', shape: [null, 64, 64, 1], dtype: 'float32' }]);
    expect(model.outputs).toEqual([{ name: 'Identity', shape: [null, 7], dtype: 'float32' }]);
  });
});

describe('zip', () => {
  it('opens a zip of a model folder, ignoring __MACOSX and dot-files', async () => {
    const inner = realFiles('human-emotion');
    const junk = [
      { name: '__MACOSX/human-emotion/._emotion.json', data: new Uint8Array([0, 5, 22]) },
      { name: 'human-emotion/.DS_Store', data: new Uint8Array([1]) },
    ];
    const model = await openModel([{ name: 'emotion.zip', data: zipOf([...inner, ...junk]) }]);
    expect(model).toMatchObject({ format: 'graph-model', reader: 'tfjs-graph', modelJsonName: 'human-emotion/emotion.json' });
    expect(model.warnings).toEqual([]);
    const direct = await openModel(inner);
    const bytes = (m: typeof model) => Buffer.from(m.artifacts.weightData as ArrayBuffer);
    expect(bytes(model).equals(bytes(direct))).toBe(true);
  });

  it('opens a zip with no .zip name by its signature, inside a dropped folder', async () => {
    const inner = artifactsToFiles(await saveArtifacts(denseModel()));
    const model = await openModel([{ name: 'downloads/model-archive', data: zipOf(inner) }]);
    expect(model.modelJsonName).toBe('downloads/model.json');
  });

  it('names the model after its folder, its zip, or its JSON file, never plain "model"', async () => {
    const inner = artifactsToFiles(await saveArtifacts(denseModel()));
    expect((await openModel(inner.map((f) => ({ ...f, name: `my-mlp/${f.name}` })))).sourceName).toBe('my-mlp');
    expect((await openModel([{ name: 'dense-v2.zip', data: zipOf(inner) }])).sourceName).toBe('dense-v2');
    expect((await openModel(inner)).sourceName).toBeUndefined();
    expect((await openModel(realFiles('human-emotion').map((f) => ({ ...f, name: f.name.split('/').pop()! })))).sourceName).toBe('emotion');
  });

  it('refuses a zipped model whose shard bytes were damaged (CRC-32), naming the entry', async () => {
    const inner = realFiles('human-emotion');
    const zip = zipSync(Object.fromEntries(inner.map((f) => [f.name, f.data])), { level: 0 });
    const shard = inner.find((f) => f.name.endsWith('.bin'))!;
    const at = Buffer.from(zip).indexOf(Buffer.from(shard.data.subarray(0, 64))) + 1000;
    zip[at] ^= 0x01;
    await expect(openModel([{ name: 'emotion.zip', data: zip }])).rejects.toMatchObject({
      code: 'bad-crc',
      message: expect.stringContaining(`Entry '${shard.name}' in 'emotion.zip' is damaged`),
    });
  });
});

describe('teachable-machine', () => {
  async function teachableFiles(metadata: Record<string, unknown>): Promise<InputFile[]> {
    const [json, shard] = artifactsToFiles(await saveArtifacts(nestedModel()));
    const manifest = JSON.parse(new TextDecoder().decode(json.data));
    manifest.weightsManifest[0].paths = ['weights.bin'];
    return [jsonFile('model.json', manifest), { name: 'weights.bin', data: shard.data }, jsonFile('metadata.json', metadata)];
  }

  it('opens model.json + weights.bin + metadata.json and shows the class labels', async () => {
    const files = await teachableFiles({ tmVersion: '2.4.7', labels: ['Thumbs up', 'Thumbs down'], imageSize: 224 });
    const model = await openModel(files);
    expect(model).toMatchObject({ format: 'layers-model', reader: 'teachable-machine', labels: ['Thumbs up', 'Thumbs down'] });
    expect(model.warnings).toEqual([]);
    // The nested Sequential's input and the head's output.
    expect(model.inputs).toEqual([{ name: 'f_conv_input', shape: [null, 8, 8, 3], dtype: 'float32' }]);
    expect(model.outputs).toEqual([{ name: 'head', shape: [null, 2], dtype: 'float32' }]);
  });

  it('reads audio projects (wordLabels), and opens zipped exports', async () => {
    const files = await teachableFiles({ wordLabels: ['_background_noise_', 'yes', 'no'] });
    const model = await openModel([{ name: 'tm-audio.zip', data: zipOf(files) }]);
    expect(model.reader).toBe('teachable-machine');
    expect(model.labels).toEqual(['_background_noise_', 'yes', 'no']);
  });

  it('falls back to a plain layers model when metadata.json has no labels', async () => {
    const model = await openModel(await teachableFiles({ note: 'no labels here' }));
    expect(model.reader).toBe('tfjs-layers');
    expect(model.labels).toBeUndefined();
    expect(model.warnings.find((w) => w.code === 'unused-file')?.message).toContain("'metadata.json'");
  });
});
