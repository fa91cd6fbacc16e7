/**
 * Test-only: the hostile corpus of issue 12, generated. Every generator breaks one thing in a real model (the
 * Fashion-MNIST samples, nsfwjs' MobileNetV2, @vladmandic/human's graph models) and says which error code, or
 * which warning, opening it must give and what the message must name.
 */
import { zipSync } from 'fflate';
import type { PareErrorCode, PareWarning } from '../../errors';
import type { InputFile } from '../../model/types';
import { deflatedZeros } from '../../files/testing/hostile';
import { entry, writeZip } from '../../files/testing/zip-writer';
import { assemble, copyParts, withJsonBytes, type Json, type ModelParts } from './model-edit';

export interface ErrorCase {
  name: string;
  files: () => InputFile[];
  code: PareErrorCode;
  /** Fragments the message must contain: the file, weight or field, and what is wrong. */
  says: string[];
}

export interface WarningCase {
  name: string;
  files: () => InputFile[];
  warning: PareWarning['code'];
  says: string[];
}

const text = (s: string) => new TextEncoder().encode(s);

/** An edited copy of the parts, assembled. */
export function edited(parts: ModelParts, edit: (p: ModelParts) => void, options?: Parameters<typeof assemble>[1]): InputFile[] {
  const copy = copyParts(parts);
  edit(copy);
  return assemble(copy, options);
}

/** Cases that apply to any model, layers or graph. */
export function anyModelCases(base: string, parts: ModelParts): ErrorCase[] {
  const json = parts.jsonName;
  const files = () => assemble(parts);
  const topLevel = (value: unknown, holds: string): ErrorCase => ({
    name: `${base}: model JSON holding ${holds}`,
    files: () => withJsonBytes(files(), json, text(JSON.stringify(value))),
    code: 'not-a-model',
    says: [`'${json}' is JSON but not a TF.js model: it holds ${holds}`],
  });
  const utf16 = (littleEndian: boolean, bom: boolean): Uint8Array => {
    const s = new TextDecoder().decode(files()[0].data);
    const out = new Uint8Array((s.length + (bom ? 1 : 0)) * 2);
    const view = new DataView(out.buffer);
    [...(bom ? '\ufeff' : ''), ...s].forEach((ch, i) => view.setUint16(i * 2, ch.charCodeAt(0), littleEndian));
    return out;
  };
  const escaping = (path: string, why: string): ErrorCase => ({
    name: `${base}: shard path ${path}`,
    files: () => [...assemble(parts, { paths: [path] }), { name: 'secret.bin', data: new Uint8Array(8) }],
    code: 'unsafe-path',
    says: [`Shard path '${path}' in '${json}' leaves the model's folder (${why})`],
  });
  const first = parts.weights[0].spec.name as string;
  return [
    topLevel([1, 2, 3], 'an array of 3 items'),
    topLevel(null, 'null'),
    topLevel(42, 'the number 42'),
    topLevel('model', "a string ('model')"),
    topLevel(true, 'the value true'),
    { name: `${base}: UTF-16 LE with BOM`, files: () => withJsonBytes(files(), json, utf16(true, true)), code: 'bad-encoding', says: [`'${json}' is UTF-16 (little-endian, with a byte-order mark) text`] },
    { name: `${base}: UTF-16 BE with BOM`, files: () => withJsonBytes(files(), json, utf16(false, true)), code: 'bad-encoding', says: [`'${json}' is UTF-16 (big-endian, with a byte-order mark) text`] },
    { name: `${base}: UTF-16 LE without BOM`, files: () => withJsonBytes(files(), json, utf16(true, false)), code: 'bad-encoding', says: [`'${json}' is UTF-16 (little-endian) text`] },
    escaping('../secret.bin', "it climbs out with '..'"),
    escaping('%2e%2e%2fsecret.bin', "it climbs out with '..'"),
    escaping('/etc/passwd', 'it is an absolute path'),
    escaping('file:///etc/passwd', "it is a URL ('file:')"),
    {
      name: `${base}: metadata nested 5,000 deep`,
      files: () => withJsonBytes(files(), json, text(JSON.stringify({ ...parts.json, weightsManifest: [] }).replace(/}$/, `,"userDefinedMetadata":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`))),
      code: 'too-deep',
      says: [`'${json}' nests objects and arrays 5,002 levels deep (at userDefinedMetadata.x[0][0][0][0]…)`, 'at most 512 levels'],
    },
    {
      name: `${base}: a shape whose element count is not finite`,
      files: () => edited(parts, (p) => (p.weights[0].spec.shape = [1e200, 1e200])),
      code: 'shape-mismatch',
      says: [`Weight '${first}' in '${json}' has shape [1e+200, 1e+200], whose element count (Infinity) is not a finite`],
    },
    {
      name: `${base}: a weight of 40 GB`,
      files: () => edited(parts, (p) => (p.weights[0].spec.shape = [100_000, 100_000])),
      code: 'too-large',
      says: [`'${json}' describes a model that needs about`, `the largest, '${first}'`, 'Pare opens models of at most 2,147,483,648 bytes'],
    },
    {
      name: `${base}: a negative dimension`,
      files: () => edited(parts, (p) => (p.weights[0].spec.shape = [-1, ...p.weights[0].spec.shape.slice(1)])),
      code: 'shape-mismatch',
      says: [`Weight '${first}'`, 'dimension 0 is -1'],
    },
    {
      name: `${base}: dtype float64`,
      files: () => edited(parts, (p) => (p.weights[0].spec.dtype = 'float64')),
      code: 'unknown-dtype',
      says: [`Weight '${first}' in '${json}' has dtype 'float64'`],
    },
    {
      name: `${base}: quantized as int4`,
      files: () => edited(parts, (p) => (p.weights[0].spec.quantization = { dtype: 'int4', scale: 1, min: 0 })),
      code: 'unknown-dtype',
      says: [`Weight '${first}'`, "quantized as 'int4'"],
    },
    {
      name: `${base}: shard one byte short`,
      files: () => edited(parts, (p) => (p.weights[p.weights.length - 1].bytes = p.weights[p.weights.length - 1].bytes.subarray(1))),
      code: 'shard-length',
      says: ["Shard 'group1-shard1of1.bin' is", `the bytes run out in weight '${parts.weights[parts.weights.length - 1].spec.name}'`],
    },
    {
      name: `${base}: shard missing`,
      files: () => assemble(parts).slice(0, 1),
      code: 'missing-shard',
      says: [`Shard 'group1-shard1of1.bin' named in '${json}' is missing`],
    },
    {
      name: `${base}: a weight name with a terminal escape, owned by nothing`,
      files: () => edited(parts, (p) => (p.weights[0].spec.name = `\u001b[2J\u001b[Hx/kernel`)),
      code: parts.json.modelTopology.node ? 'missing-weight' : 'unowned-weight',
      says: [parts.json.modelTopology.node ? `Const node '${first}'` : "Weight '\\x1b[2J\\x1b[Hx/kernel'"],
    },
  ];
}

/** Problems that open, as stock TF.js opens them, with a warning. */
export function warningCases(base: string, parts: ModelParts, graph: boolean): WarningCase[] {
  const json = parts.jsonName;
  const first = parts.weights.find((w) => w.spec.dtype === 'float32')!;
  const quantized = (scale: number) => (p: ModelParts) => {
    const w = p.weights.find((x) => x.spec.name === first.spec.name)!;
    w.spec.quantization = { dtype: 'uint8', scale, min: 0.5 };
    w.bytes = new Uint8Array((w.spec.shape as number[]).reduce((a, b) => a * b, 1));
  };
  const cases: WarningCase[] = [
    {
      name: `${base}: a weight listed twice`,
      files: () => edited(parts, (p) => p.weights.push(p.weights[p.weights.length - 1])),
      warning: 'duplicate-weight',
      says: [`Weight '${parts.weights[parts.weights.length - 1].spec.name}' is listed 2 times in the manifest of '${json}'`, 'stock TF.js uses only the last'],
    },
    {
      name: `${base}: a zero quantization scale`,
      files: () => edited(parts, quantized(0)),
      warning: 'bad-quantization',
      says: [`Weight '${first.spec.name}' in '${json}' is quantized as uint8 with scale 0, which is zero`],
    },
    {
      name: `${base}: a negative quantization scale`,
      files: () => edited(parts, quantized(-0.01)),
      warning: 'bad-quantization',
      says: [`Weight '${first.spec.name}'`, 'scale -0.01, which is negative'],
    },
  ];
  if (graph) {
    const a = (parts.json.modelTopology.node as Json[]).find((n) => n.op !== 'Const' && n.op !== 'Placeholder')!;
    cases.push(
      {
        name: `${base}: an op the executor does not know`,
        files: () => edited(parts, (p) => ((p.json.modelTopology.node as Json[]).find((n) => n.name === a.name)!.op = 'FancyOp')),
        warning: 'unknown-op',
        says: [`Node '${a.name}' in '${json}' uses op 'FancyOp', which TF.js's graph executor does not know`],
      },
      {
        name: `${base}: a node listed twice`,
        files: () => edited(parts, (p) => (p.json.modelTopology.node as Json[]).push(structuredClone(a))),
        warning: 'duplicate-node',
        says: [`A node name appears more than once in '${json}' ('${a.name}'); stock TF.js keeps the last node of each name`],
      },
      {
        name: `${base}: a weight no node uses`,
        files: () => edited(parts, (p) => p.weights.push({ spec: { name: 'orphan', shape: [3], dtype: 'float32' }, bytes: new Uint8Array(12) })),
        warning: 'unowned-weight',
        says: [`Weight in the manifest of '${json}' ('orphan') belongs to no node of the graph`],
      },
    );
  }
  return cases;
}

/** Containers and drops (src/files, done in the previous session), around one model's files. */
export function containerCases(model: () => InputFile[]): ErrorCase[] {
  const zipOf = (files: InputFile[]) => zipSync(Object.fromEntries(files.map((f) => [f.name, f.data])));
  const shared = entry('m/group1-shard1of1.bin', new Uint8Array(5000));
  return [
    { name: 'nothing dropped', files: () => [], code: 'empty-input', says: ['Nothing was dropped'] },
    {
      name: 'a folder of hidden files',
      files: () => [{ name: 'mine/.DS_Store', data: text('x') }, { name: 'mine/.git/HEAD', data: text('x') }],
      code: 'empty-input',
      says: ["The folder 'mine' holds only hidden or system files"],
    },
    {
      name: 'zip bomb: an entry inflating past its declared size',
      files: () => [{ name: 'bomb.zip', data: writeZip([entry('m/model.json', '{}'), { name: 'm/w.bin', stored: deflatedZeros(16), method: 8, crc: 0, size: 4096 }]) }],
      code: 'zip-bomb',
      says: ["Entry 'm/w.bin' in 'bomb.zip' inflates past the 4,096 bytes it declares"],
    },
    {
      name: 'zip bomb: entries sharing one stream',
      files: () => [{ name: 'shared.zip', data: writeZip([shared], [0, 1].map((i) => ({ entry: { ...shared, name: `m/${i}.bin` }, local: 0 }))) }],
      code: 'zip-overlap',
      says: ["'shared.zip' share bytes"],
    },
    {
      name: 'zip declaring more than the budget',
      files: () => [{ name: 'big.zip', data: writeZip([{ ...entry('m/model.json', '{}'), size: 3 * 1024 ** 3, method: 8, stored: deflatedZeros(1) }]) }],
      code: 'bad-zip-size',
      says: ["Entry 'm/model.json' in 'big.zip' declares 3,221,225,472 bytes unpacked"],
    },
    {
      name: "zip entry climbing out with '..'",
      files: () => [{ name: 'evil.zip', data: writeZip([entry('../../model.json', '{}')]) }],
      code: 'unsafe-path',
      says: ["Entry '../../model.json' in 'evil.zip'", "'..'"],
    },
    {
      name: 'zip entry with an absolute path',
      files: () => [{ name: 'abs.zip', data: writeZip([entry('/etc/model.json', '{}')]) }],
      code: 'unsafe-path',
      says: ["Entry '/etc/model.json' in 'abs.zip' has an absolute path"],
    },
    {
      name: 'zips nested four deep',
      files: () => {
        let z = zipOf(model());
        for (const n of ['d.zip', 'c.zip', 'b.zip']) z = zipSync({ [n]: z });
        return [{ name: 'a.zip', data: z }];
      },
      code: 'zip-nesting',
      says: ["'d.zip' is an archive nested 4 deep"],
    },
    {
      name: 'zip with a flipped byte in a shard',
      files: () => {
        const files = model();
        const bin = files[1];
        const e = entry(bin.name, bin.data, 0);
        const stored = e.stored.slice();
        stored[10] ^= 0xff;
        return [{ name: 'flip.zip', data: writeZip([entry(files[0].name, files[0].data), { ...e, stored }]) }];
      },
      code: 'bad-crc',
      says: ['in \'flip.zip\' is damaged'],
    },
    {
      name: 'a truncated zip',
      files: () => [{ name: 'cut.zip', data: zipOf(model()).slice(0, 300) }],
      code: 'bad-zip',
      says: ["'cut.zip'"],
    },
  ];
}
