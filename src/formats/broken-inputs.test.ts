/**
 * Every way a drop can be broken gets its own error code and a message naming the file or weight. Each row
 * breaks a working model (one built with TF.js, or a real published graph model) in one way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { openModel } from './index';
import { PareError, type PareErrorCode } from '../errors';
import type { InputFile } from '../model/types';
import { artifactsToFiles, jsonFile } from './testing/encode';
import { denseModel, saveArtifacts, useCpu } from './testing/build-models';
import { realFiles } from './testing/files';
import { deflatedZeros } from '../files/testing/hostile';
import { entry, writeZip } from '../files/testing/zip-writer';

let layers: InputFile[]; // model.json + group1-shard1of1.bin of the dense model
let layersSplit: InputFile[]; // the same in 3 shards (100, 100, 92 bytes)
let graph: InputFile[]; // human-emotion: emotion.json + emotion.bin

beforeAll(async () => {
  await useCpu();
  const artifacts = await saveArtifacts(denseModel());
  layers = artifactsToFiles(artifacts);
  layersSplit = artifactsToFiles(artifacts, { shardBytes: 100 });
  graph = realFiles('human-emotion');
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The files with their model JSON edited. */
function editJson(files: InputFile[], edit: (json: Json) => void): InputFile[] {
  return files.map((f) => {
    if (!f.name.endsWith('.json')) return f;
    const json = JSON.parse(new TextDecoder().decode(f.data)) as Json;
    edit(json);
    return jsonFile(f.name, json);
  });
}

function editFile(files: InputFile[], name: string, edit: (data: Uint8Array) => Uint8Array): InputFile[] {
  return files.map((f) => (f.name === name ? { name: f.name, data: edit(f.data) } : f));
}

const text = (name: string, s: string): InputFile => ({ name, data: new TextEncoder().encode(s) });
const png: InputFile = { name: 'cat.png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) };
const firstWeight = (json: Json): Json => json.weightsManifest[0].weights[0];
const weightNamed = (json: Json, name: string): Json => json.weightsManifest[0].weights.find((w: Json) => w.name === name);
const zipOf = (files: InputFile[]): Uint8Array => zipSync(Object.fromEntries(files.map((f) => [f.name, f.data])));

interface Case {
  name: string;
  files: () => InputFile[];
  code: PareErrorCode;
  /** Fragments the message must contain, among them the file or weight it names. */
  says: string[];
  file?: string;
  weight?: string;
}

const cases: Case[] = [
  { name: 'empty drop', files: () => [], code: 'empty-input', says: ['Nothing was dropped'] },
  {
    name: 'only system files',
    files: () => [text('.DS_Store', 'x'), text('__MACOSX/._model.json', 'x')],
    code: 'empty-input',
    says: ["'.DS_Store'", 'hidden or system files'],
  },
  {
    name: 'a folder holding only hidden files',
    files: () => [text('mymodel/.DS_Store', 'x'), text('mymodel/.git/config', 'x')],
    code: 'empty-input',
    says: ["The folder 'mymodel' holds only hidden or system files", "'mymodel/.DS_Store'"],
    file: 'mymodel',
  },
  { name: 'a PNG', files: () => [png], code: 'not-a-model', says: ["'cat.png' is not a TF.js model"], file: 'cat.png' },
  {
    name: 'a JSON that is not a model',
    files: () => [jsonFile('package.json', { name: 'x', version: '1.0.0' })],
    code: 'not-a-model',
    says: ["'package.json' is JSON but not a TF.js model", 'modelTopology'],
    file: 'package.json',
  },
  {
    name: 'several files, none a model',
    files: () => [png, text('notes.txt', 'hello'), jsonFile('labels.json', ['a', 'b'])],
    code: 'not-a-model',
    says: ['None of the 3 dropped files', "'cat.png'", "'notes.txt'"],
  },
  {
    name: 'malformed model.json',
    files: () => [text('model.json', '{"modelTopology": {"class_name": "Sequential",'), ...layers.slice(1)],
    code: 'bad-json',
    says: ["'model.json' is not valid JSON"],
    file: 'model.json',
  },
  {
    name: 'empty model.json',
    files: () => [text('model.json', ''), ...layers.slice(1)],
    code: 'bad-json',
    says: ["'model.json' is empty"],
    file: 'model.json',
  },
  {
    name: 'malformed graph JSON with another name',
    files: () => [text('emotion.json', '{"format": "graph-model", "modelTopology": '), graph[0]],
    code: 'bad-json',
    says: ["'emotion.json' is not valid JSON"],
    file: 'emotion.json',
  },
  {
    name: 'a broken model.json next to a valid non-model JSON',
    files: () => [text('model.json', '{oops}'), jsonFile('metadata.json', { labels: ['a'] }), ...layers.slice(1)],
    code: 'bad-json',
    says: ["'model.json' is not valid JSON"],
  },
  {
    name: 'weights manifest without a topology',
    files: () => editJson(layers, (j) => delete j.modelTopology),
    code: 'bad-model-json',
    says: ["'model.json' is not a valid TF.js model file", 'modelTopology should be an object; found nothing'],
    file: 'model.json',
  },
  {
    name: 'manifest paths not an array',
    files: () => editJson(layers, (j) => (j.weightsManifest[0].paths = 'group1-shard1of1.bin')),
    code: 'bad-model-json',
    says: ['weightsManifest[0].paths should be an array', 'the string "group1-shard1of1.bin"'],
  },
  {
    name: 'a weight group with no shard paths',
    files: () => editJson(layers, (j) => (j.weightsManifest[0].paths = [])),
    code: 'bad-model-json',
    says: ["Weight group 1 in 'model.json' lists 8 weights (first 'hidden/kernel') but no shard files"],
  },
  {
    name: 'a weight without dtype',
    files: () => editJson(layers, (j) => delete firstWeight(j).dtype),
    code: 'bad-model-json',
    says: ['weightsManifest[0].weights[0].dtype', "(weight 'hidden/kernel')", 'should be a string'],
    weight: 'hidden/kernel',
  },
  {
    name: 'a topology that is neither format',
    files: () => editJson(layers, (j) => (j.modelTopology = { foo: 1 })),
    code: 'bad-model-json',
    says: ['neither a Keras layers model', "'model.json'"],
  },
  {
    name: 'format field contradicting the topology',
    files: () => editJson(layers, (j) => (j.format = 'graph-model')),
    code: 'bad-model-json',
    says: ["'model.json' says format 'graph-model'", 'Keras layers model'],
  },
  {
    name: 'missing shard (model.json alone)',
    files: () => layers.slice(0, 1),
    code: 'missing-shard',
    says: ["Shard 'group1-shard1of1.bin' named in 'model.json' is missing", 'together with its weight files'],
    file: 'group1-shard1of1.bin',
  },
  {
    name: 'missing shard in a folder',
    files: () => layersSplit.filter((f) => f.name !== 'group1-shard2of3.bin').map((f) => ({ ...f, name: `m/${f.name}` })),
    code: 'missing-shard',
    says: ["Shard 'group1-shard2of3.bin'", "expected it at 'm/group1-shard2of3.bin'"],
    file: 'm/group1-shard2of3.bin',
  },
  {
    name: 'short shard',
    files: () => editFile(layers, 'group1-shard1of1.bin', (d) => d.slice(0, 100)),
    code: 'shard-length',
    says: ["Shard 'group1-shard1of1.bin' is 100 bytes", "the manifest in 'model.json' needs 292", "the bytes run out in weight 'hidden/kernel'"],
    file: 'group1-shard1of1.bin',
  },
  {
    name: 'long shard',
    files: () => editFile(layers, 'group1-shard1of1.bin', (d) => new Uint8Array([...d, 1, 2, 3])),
    code: 'shard-length',
    says: ["Shard 'group1-shard1of1.bin'", '3 bytes too many'],
  },
  {
    name: 'a middle shard of the wrong length',
    files: () => editFile(layersSplit, 'group1-shard2of3.bin', (d) => d.slice(0, 60)),
    code: 'shard-length',
    says: ['Shards of weight group 1', "'group1-shard2of3.bin' 60", "check 'group1-shard2of3.bin'"],
    file: 'group1-shard2of3.bin',
  },
  {
    name: 'unknown dtype',
    files: () => editJson(layers, (j) => (firstWeight(j).dtype = 'float64')),
    code: 'unknown-dtype',
    says: ["Weight 'hidden/kernel'", "dtype 'float64'"],
    weight: 'hidden/kernel',
  },
  {
    name: 'unknown quantization dtype',
    files: () => editJson(layers, (j) => (firstWeight(j).quantization = { dtype: 'int4', scale: 1, min: 0 })),
    code: 'unknown-dtype',
    says: ["Weight 'hidden/kernel'", "quantized as 'int4'"],
    weight: 'hidden/kernel',
  },
  {
    name: 'float16 on an int32 weight',
    files: () =>
      editJson(graph, (j) => {
        const w = j.weightsManifest[0].weights.find((s: Json) => s.dtype === 'int32');
        w.quantization = { dtype: 'float16' };
      }),
    code: 'unknown-dtype',
    says: ['is int32 quantized as float16', 'emotion.json'],
  },
  {
    name: 'uint8 quantization without scale',
    files: () => editJson(layers, (j) => (firstWeight(j).quantization = { dtype: 'uint8', min: 0 })),
    code: 'bad-model-json',
    says: ["Weight 'hidden/kernel'", 'no numeric scale and min'],
    weight: 'hidden/kernel',
  },
  {
    name: 'string weights',
    files: () => editJson(layers, (j) => (firstWeight(j).dtype = 'string')),
    code: 'unsupported',
    says: ["Weight 'hidden/kernel'", "dtype 'string'"],
  },
  {
    name: 'negative dimension',
    files: () => editJson(layers, (j) => (firstWeight(j).shape = [-6, 5])),
    code: 'shape-mismatch',
    says: ["Weight 'hidden/kernel'", 'shape [-6, 5]', 'dimension 0 is -6'],
    weight: 'hidden/kernel',
  },
  {
    name: 'fractional dimension',
    files: () => editJson(layers, (j) => (firstWeight(j).shape = [6, 2.5])),
    code: 'shape-mismatch',
    says: ["Weight 'hidden/kernel'", 'dimension 1 is 2.5'],
  },
  {
    name: 'a Dense kernel shape that contradicts units',
    files: () => editJson(layers, (j) => (weightNamed(j, 'probs/kernel').shape = [5, 4])),
    code: 'shape-mismatch',
    says: ["Weight 'probs/kernel'", 'shape [5, 4]', "expected [?, 3] for Dense 'probs' (units 3)"],
    weight: 'probs/kernel',
  },
  {
    name: 'a graph weight shape that contradicts its Const node',
    files: () =>
      editJson(graph, (j) => {
        const w = j.weightsManifest[0].weights.find((s: Json) => s.shape.length === 4);
        w.shape = [w.shape[0], w.shape[1], w.shape[2] * 2, w.shape[3] / 2].map(Math.round);
      }),
    code: 'shape-mismatch',
    says: ["in 'human-emotion/emotion.json'", 'as its Const node in the graph declares'],
  },
  {
    name: 'corrupt zip',
    files: () => [{ name: 'model.zip', data: new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9, 9, 9, 9]) }],
    code: 'bad-zip',
    says: ["'model.zip' is not a readable zip archive"],
    file: 'model.zip',
  },
  {
    name: 'truncated zip',
    files: () => [{ name: 'downloads/emotion.zip', data: zipOf(graph).slice(0, 5000) }],
    code: 'bad-zip',
    says: ["'downloads/emotion.zip'"],
  },
  {
    name: 'zip holding only macOS extras',
    files: () => [{ name: 'model.zip', data: zipOf([text('__MACOSX/._model.json', 'x'), text('.DS_Store', 'x')]) }],
    code: 'empty-input',
    says: ["'model.zip' holds no files"],
  },
  {
    name: 'zip holding no model',
    files: () => [{ name: 'pics.zip', data: zipOf([png]) }],
    code: 'not-a-model',
    says: ["'cat.png' is not a TF.js model"],
  },
  {
    name: 'zipped model whose shard entry lies about its size (zip bomb)',
    files: () => [
      {
        name: 'bomb.zip',
        data: writeZip([entry('m/model.json', '{}'), { name: 'm/group1-shard1of1.bin', stored: deflatedZeros(8), method: 8, crc: 0, size: 4096 }]),
      },
    ],
    code: 'zip-bomb',
    says: ["Entry 'm/group1-shard1of1.bin' in 'bomb.zip' inflates past the 4,096 bytes it declares"],
    file: 'bomb.zip',
  },
  {
    name: 'zipped model whose entries share one stream',
    files: () => {
      const shard = entry('m/group1-shard1of1.bin', new Uint8Array(5000));
      const dir = ['m/group1-shard1of1.bin', 'm/group1-shard2of2.bin'].map((name) => ({ entry: { ...shard, name }, local: 0 }));
      return [{ name: 'shared.zip', data: writeZip([shard], dir) }];
    },
    code: 'zip-overlap',
    says: ["'shared.zip' share bytes"],
    file: 'shared.zip',
  },
  {
    name: 'zipped model with a flipped byte in its shard',
    files: () => {
      const bin = graph.find((f) => f.name.endsWith('.bin'))!;
      const json = graph.find((f) => f.name.endsWith('.json'))!;
      const e = entry(bin.name, bin.data, 0);
      const stored = e.stored.slice();
      stored[100] ^= 1;
      return [{ name: 'emotion.zip', data: writeZip([entry(json.name, json.data), { ...e, stored }]) }];
    },
    code: 'bad-crc',
    says: ["Entry 'human-emotion/emotion.bin' in 'emotion.zip' is damaged"],
    file: 'emotion.zip',
  },
  {
    name: 'zips nested four deep',
    files: () => {
      let z = zipOf(layers);
      for (const n of ['d.zip', 'c.zip', 'b.zip']) z = zipSync({ [n]: z });
      return [{ name: 'a.zip', data: z }];
    },
    code: 'zip-nesting',
    says: ["'d.zip' is an archive nested 4 deep", 'at most 3 deep'],
    file: 'a.zip',
  },
  {
    name: "zip entry climbing out with '..'",
    files: () => [{ name: 'evil.zip', data: writeZip([entry('model/../../model.json', '{}')]) }],
    code: 'unsafe-path',
    says: ["Entry 'model/../../model.json' in 'evil.zip'", "'..'"],
    file: 'evil.zip',
  },
  {
    name: 'zip entry declaring an absurd size',
    files: () => [{ name: 'absurd.zip', data: writeZip([{ ...entry('model.json', '{}'), size: 2 ** 31 }]) }],
    code: 'bad-zip-size',
    says: ["Entry 'model.json' in 'absurd.zip' declares 2,147,483,648 bytes unpacked"],
    file: 'absurd.zip',
  },
  {
    name: 'two model files, neither named model.json',
    files: () => [...graph, ...realFiles('human-blazeface')],
    code: 'ambiguous-input',
    says: ['2 model files', "'human-emotion/emotion.json'", "'human-blazeface/blazeface.json'"],
  },
  {
    name: 'two model.json files in two folders',
    files: () => [...layers.map((f) => ({ ...f, name: `a/${f.name}` })), ...layers.map((f) => ({ ...f, name: `b/${f.name}` }))],
    code: 'ambiguous-input',
    says: ["'a/model.json'", "'b/model.json'"],
  },
];

describe('broken inputs', () => {
  it('every row expects a different problem', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(`${c.name} -> ${c.code}`, async () => {
      const error = await openModel(c.files()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, 'should fail').toBeInstanceOf(PareError);
      const e = error as PareError;
      expect({ code: e.code, message: e.message }).toMatchObject({ code: c.code });
      for (const fragment of c.says) expect(e.message).toContain(fragment);
      if (c.file) expect(e.file).toBe(c.file);
      if (c.weight) expect(e.weight).toBe(c.weight);
      // One sentence a person can read: no stack trace, ends with a full stop.
      expect(e.message).toMatch(/\.$/);
      expect(e.message).not.toMatch(/\n|at .*\.ts:/);
    });
  }
});

describe('problems that do not stop the model from opening', () => {
  it('NaN and Inf weights are a warning naming the weight and the count', async () => {
    const files = editFile(layers, 'group1-shard1of1.bin', (d) => {
      const copy = d.slice();
      const floats = new Float32Array(copy.buffer);
      floats[0] = NaN;
      floats[3] = Infinity;
      floats[7] = -Infinity;
      return copy;
    });
    const model = await openModel(files);
    const warnings = model.warnings.filter((w) => w.code === 'non-finite-weights');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ weight: 'hidden/kernel', file: 'model.json' });
    expect(warnings[0].message).toContain("Weight 'hidden/kernel' has 3 NaN or infinite values out of 30");
  });

  it('files that are not part of the model are reported, not fatal', async () => {
    const model = await openModel([...layers, text('README.md', '# my model'), png]);
    const unused = model.warnings.find((w) => w.code === 'unused-file');
    expect(unused?.message).toContain("'README.md'");
    expect(unused?.message).toContain("'cat.png'");
  });
});
