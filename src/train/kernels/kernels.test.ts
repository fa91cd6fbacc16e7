import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/backend';
import { seededRandom } from '../../seeded-random';
import { registerWasmTrainingKernels } from './register';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [number, number]];

function randomArray(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** ‖a - b‖∞ / ‖b‖∞: the error relative to the gradient's scale. */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

/** The gradients of sum(op(x, f) * r) with respect to x and f, on `backend`: dy is the fixed random r. */
async function gradsOn(
  backend: 'cpu' | 'wasm',
  xShape: number[],
  fShape: number[],
  op: (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(randomArray(size(xShape), 1), xShape as [number, number, number, number]);
    const f = tf.tensor4d(randomArray(size(fShape), 2), fShape as [number, number, number, number]);
    const outShape = op(x, f).shape;
    const r = tf.tensor(randomArray(size(outShape), 3), outShape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D), r)));
    return g([x, f]).map((t) => t.dataSync() as Float32Array);
  });
}

interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  out: number;
  strides: number | [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 7, 3], k: [3, 3], out: 4, strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], k: [3, 3], out: 4, strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], k: [3, 3], out: 4, strides: 2, pad: 'same' },
  { x: [2, 9, 9, 2], k: [3, 3], out: 5, strides: 2, pad: 'valid' },
  { x: [1, 10, 9, 2], k: [5, 3], out: 3, strides: [3, 2], pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], out: 2, strides: 2, pad: [[0, 0], [1, 0], [0, 2], [0, 0]] },
  { x: [2, 6, 6, 4], k: [1, 1], out: 8, strides: 1, pad: 'valid' },
  { x: [3, 11, 11, 1], k: [4, 4], out: 2, strides: 4, pad: 'same' },
  { x: [1, 5, 5, 2], k: [2, 2], out: 3, strides: 1, pad: [[0, 0], [2, 2], [1, 1], [0, 0]] },
];

const caseName = (c: { x: number[]; k: number[]; strides: unknown; pad: unknown }) =>
  `x ${c.x.join('x')}, kernel ${c.k.join('x')}, strides ${JSON.stringify(c.strides)}, pad ${JSON.stringify(c.pad)}`;

beforeAll(async () => {
  registerWasmTrainingKernels();
  await useBackend('wasm');
});

describe('Conv2DBackpropFilter on wasm', () => {
  it('is registered once: a second registration is a no-op', () => {
    const before = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(before);
  });

  it.each(CONV_CASES)('matches cpu to 1e-5 for %#', async (c) => {
    const op = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.conv2d(x, f, c.strides, c.pad);
    const fShape = [...c.k, c.x[3], c.out];
    const cpu = await gradsOn('cpu', c.x, fShape, op);
    const wasm = await gradsOn('wasm', c.x, fShape, op);
    expect(relativeError(wasm[1]!, cpu[1]!), caseName(c)).toBeLessThan(1e-5);
    expect(relativeError(wasm[0]!, cpu[0]!), caseName(c)).toBeLessThan(1e-5);
  });

  it('matches cpu over random geometries', async () => {
    const geometry = fc.record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 4, max: 10 }),
      w: fc.integer({ min: 4, max: 10 }),
      cin: fc.integer({ min: 1, max: 4 }),
      out: fc.integer({ min: 1, max: 4 }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      pad: fc.constantFrom<Pad>('same', 'valid', [[0, 0], [1, 2], [0, 1], [0, 0]]),
    });
    await fc.assert(
      fc.asyncProperty(geometry, async (g) => {
        const op = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.conv2d(x, f, [g.sh, g.sw], g.pad);
        const xs = [g.n, g.h, g.w, g.cin];
        const fs = [g.kh, g.kw, g.cin, g.out];
        const cpu = await gradsOn('cpu', xs, fs, op);
        const wasm = await gradsOn('wasm', xs, fs, op);
        expect(relativeError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-5);
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});

interface DepthwiseCase {
  x: [number, number, number, number];
  k: [number, number];
  multiplier: number;
  strides: number | [number, number];
  pad: Pad;
}

const DEPTHWISE_CASES: DepthwiseCase[] = [
  { x: [2, 7, 7, 3], k: [3, 3], multiplier: 1, strides: 1, pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], multiplier: 1, strides: 2, pad: 'same' },
  { x: [2, 9, 9, 2], k: [3, 3], multiplier: 2, strides: 2, pad: 'valid' },
  { x: [1, 10, 9, 4], k: [5, 3], multiplier: 3, strides: [3, 2], pad: 'same' },
  { x: [2, 8, 8, 2], k: [3, 3], multiplier: 2, strides: 2, pad: [[0, 0], [1, 0], [0, 2], [0, 0]] },
  { x: [2, 6, 6, 5], k: [1, 1], multiplier: 1, strides: 1, pad: 'valid' },
  { x: [1, 12, 12, 3], k: [3, 3], multiplier: 1, strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 2], k: [2, 2], multiplier: 2, strides: 1, pad: [[0, 0], [2, 1], [1, 3], [0, 0]] },
];

describe('DepthwiseConv2dNativeBackpropFilter and BackpropInput on wasm', () => {
  it.each(DEPTHWISE_CASES)('match cpu to 1e-5 for %#', async (c) => {
    const op = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.depthwiseConv2d(x, f, c.strides, c.pad);
    const fShape = [...c.k, c.x[3], c.multiplier];
    const cpu = await gradsOn('cpu', c.x, fShape, op);
    const wasm = await gradsOn('wasm', c.x, fShape, op);
    expect(relativeError(wasm[0]!, cpu[0]!), `input gradient, ${caseName(c)}`).toBeLessThan(1e-5);
    expect(relativeError(wasm[1]!, cpu[1]!), `filter gradient, ${caseName(c)}`).toBeLessThan(1e-5);
  });

  it('match cpu over random geometries and multipliers', async () => {
    const geometry = fc.record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 4, max: 10 }),
      w: fc.integer({ min: 4, max: 10 }),
      c: fc.integer({ min: 1, max: 4 }),
      m: fc.integer({ min: 1, max: 3 }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      s: fc.integer({ min: 1, max: 3 }),
      pad: fc.constantFrom<Pad>('same', 'valid', [[0, 0], [0, 2], [1, 1], [0, 0]]),
    });
    await fc.assert(
      fc.asyncProperty(geometry, async (g) => {
        const op = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.depthwiseConv2d(x, f, g.s, g.pad);
        const xs = [g.n, g.h, g.w, g.c];
        const fs = [g.kh, g.kw, g.c, g.m];
        const cpu = await gradsOn('cpu', xs, fs, op);
        const wasm = await gradsOn('wasm', xs, fs, op);
        expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-5);
        expect(relativeError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-5);
      }),
      { numRuns: 25, seed: 11 },
    );
  });

  /**
   * TF.js's gradient of depthwiseConv2d refuses dilations above 1, and cpu's backprop kernels ignore them, so with
   * dilation the reference is cpu's gradient of the same convolution written with a zero-stuffed filter (taps d
   * apart, dilation 1), taken through the stuffing: the same function of x and f.
   */
  it.each([
    { x: [2, 9, 9, 2], k: [3, 3], multiplier: 1, strides: [1, 1], dilations: [2, 2], pad: 'same' },
    { x: [1, 11, 10, 3], k: [3, 2], multiplier: 2, strides: [1, 1], dilations: [2, 3], pad: 'valid' },
    { x: [2, 12, 12, 2], k: [3, 3], multiplier: 2, strides: [2, 2], dilations: [2, 2], pad: 'same' },
    { x: [1, 10, 10, 2], k: [2, 2], multiplier: 1, strides: [2, 1], dilations: [3, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  ] as const)('match a dilation-free cpu reference with dilations $dilations, strides $strides, pad $pad', async (c) => {
    const [kh, kw] = c.k;
    const [dh, dw] = c.dilations;
    const stuffed = (f: tf.Tensor4D) => {
      const [, , ch, m] = f.shape;
      const spread = tf.pad(tf.reshape(f, [kh, 1, kw, 1, ch, m]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
      return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, ch, m]), [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ch, m]) as tf.Tensor4D;
    };
    const pad = c.pad as Pad;
    const fShape = [kh, kw, c.x[3], c.multiplier];
    const cpu = await gradsOn('cpu', [...c.x], fShape, (x, f) => tf.depthwiseConv2d(x, stuffed(f), [...c.strides] as [number, number], pad));
    // Forward and backward as the kernels are called, so both strides and dilations above 1 are allowed.
    await tf.setBackend('wasm');
    const wasm = tf.tidy(() => {
      const x = tf.tensor4d(randomArray(size([...c.x]), 1), [...c.x]);
      const f = tf.tensor4d(randomArray(size(fShape), 2), fShape as [number, number, number, number]);
      const attrs = { strides: c.strides, pad, dilations: c.dilations, dataFormat: 'NHWC' };
      const y = tf.engine().runKernel('DepthwiseConv2dNative', { x, filter: f }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dy = tf.tensor(randomArray(size(y.shape), 3), y.shape);
      const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dfilter = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: fShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [dx.dataSync() as Float32Array, dfilter.dataSync() as Float32Array];
    });
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-5);
    expect(relativeError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-5);
  });

  it('leaves no tensor behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const bytesBefore = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    await gradsOn('wasm', [2, 8, 8, 3], [3, 3, 3, 2], (x, f) => tf.depthwiseConv2d(x, f, 2, 'same'));
    await gradsOn('wasm', [2, 8, 8, 3], [3, 3, 3, 2], (x, f) => tf.conv2d(x, f, 2, 'same'));
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(bytesBefore);
  });
});
