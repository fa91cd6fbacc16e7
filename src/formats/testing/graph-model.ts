/**
 * Test-only: a tiny hand-written graph model (what tensorflowjs_converter writes), small enough to reason about:
 *   out  = Reshape(BiasAdd(MatMul(x, Identity(w)), b), shape)      (weights through an Identity)
 *   out2 = _FusedMatMul(x, w2, b2) with BiasAdd fused                  (a fused op; b2 is its bias)
 * x is a [-1, 4] float32 Placeholder; shape is an int32 constant; `unused` feeds nothing.
 */
import type { InputFile } from '../../model/types';
import { concat, jsonFile } from './encode';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const T = { type: 'DT_FLOAT' };

function constNode(name: string, shape: number[], dtype: 'DT_FLOAT' | 'DT_INT32') {
  return { name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims(shape) } }, dtype: { type: dtype } } };
}

export const GRAPH_WEIGHTS = {
  w: Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 4),
  b: Float32Array.from([0.5, -0.25, 1]),
  shape: Int32Array.from([-1, 3]),
  w2: Float32Array.from({ length: 8 }, (_, i) => (i % 3) - 1),
  b2: Float32Array.from([2, -2]),
  unused: Float32Array.from([1, 2]),
};

export function graphModelFiles(options: { signature?: boolean; name?: string } = {}): InputFile[] {
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: T, shape: { shape: dims([-1, 4]) } } },
    constNode('w', [4, 3], 'DT_FLOAT'),
    { name: 'w/read', op: 'Identity', input: ['w'], attr: { T } },
    { name: 'mm', op: 'MatMul', input: ['x', 'w/read'], attr: { T, transpose_a: { b: false }, transpose_b: { b: false } } },
    constNode('b', [3], 'DT_FLOAT'),
    { name: 'bias', op: 'BiasAdd', input: ['mm', 'b'], attr: { T, data_format: { s: b64('NHWC') } } },
    constNode('shape', [2], 'DT_INT32'),
    { name: 'out', op: 'Reshape', input: ['bias', 'shape'], attr: { T, Tshape: { type: 'DT_INT32' } } },
    constNode('w2', [4, 2], 'DT_FLOAT'),
    constNode('b2', [2], 'DT_FLOAT'),
    {
      name: 'out2',
      op: '_FusedMatMul',
      input: ['x', 'w2', 'b2'],
      attr: {
        T,
        transpose_a: { b: false },
        transpose_b: { b: false },
        fused_ops: { list: { s: [b64('BiasAdd')] } },
        num_args: { i: '1' },
        epsilon: { f: 0 },
      },
    },
    constNode('unused', [2], 'DT_FLOAT'),
  ];
  const weights = [
    { name: 'w', shape: [4, 3], dtype: 'float32' },
    { name: 'b', shape: [3], dtype: 'float32' },
    { name: 'shape', shape: [2], dtype: 'int32' },
    { name: 'w2', shape: [4, 2], dtype: 'float32' },
    { name: 'b2', shape: [2], dtype: 'float32' },
    { name: 'unused', shape: [2], dtype: 'float32' },
  ];
  const data = concat(Object.values(GRAPH_WEIGHTS).map((a) => new Uint8Array(a.buffer.slice(0))));
  const signature = {
    inputs: { 'x:0': { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 4]) } },
    outputs: {
      'out:0': { name: 'out:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 3]) },
      'out2:0': { name: 'out2:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 2]) },
    },
  };
  const json = {
    format: 'graph-model',
    generatedBy: 'hand',
    convertedBy: 'Pare tests',
    ...(options.signature ? { signature } : {}),
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['graph.bin'], weights }],
  };
  return [jsonFile(options.name ?? 'graph.json', json), { name: 'graph.bin', data }];
}
