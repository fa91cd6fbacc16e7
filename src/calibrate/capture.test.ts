import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { inMemoryDataset } from '../evaluate/dataset';
import { useCpu } from '../formats/testing/build-models';
import { seededRandom } from '../seeded-random';
import { captureInputStats, patchKernelFor, targetStats, type CaptureTarget } from './capture';

beforeAll(() => useCpu());

/** im2col by hand: the rows a Conv2D kernel [kh, kw, cin, cout] multiplies, NHWC, as TF.js pads for 'same'. */
function naivePatches(x: Float32Array, [h, w, c]: number[], k: number, stride: number, dilation: number, padding: 'same' | 'valid'): number[][] {
  const span = (k - 1) * dilation + 1;
  const out = (n: number) => (padding === 'same' ? Math.ceil(n / stride) : Math.ceil((n - span + 1) / stride));
  const [oh, ow] = [out(h), out(w)];
  const padTotal = (n: number, o: number) => (padding === 'same' ? Math.max((o - 1) * stride + span - n, 0) : 0);
  const [pt, pl] = [Math.floor(padTotal(h, oh) / 2), Math.floor(padTotal(w, ow) / 2)];
  const rows: number[][] = [];
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const row: number[] = [];
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          for (let ch = 0; ch < c; ch++) {
            const y = oy * stride + i * dilation - pt;
            const xx = ox * stride + j * dilation - pl;
            row.push(y >= 0 && y < h && xx >= 0 && xx < w ? x[(y * w + xx) * c + ch]! : 0);
          }
        }
      }
      rows.push(row);
    }
  }
  return rows;
}

describe('captureInputStats', () => {
  it.each<[number, number, 'same' | 'valid']>([
    [1, 1, 'valid'],
    [2, 1, 'same'],
    [1, 2, 'same'],
    [2, 1, 'valid'],
  ])('gives the Gram matrix and sums of squares of a Conv2D layer input patches (stride %i, dilation %i, %s)', async (stride, dilation, padding) => {
    const [h, w, c, k] = [7, 6, 2, 3];
    const input = tf.input({ shape: [h, w, c] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: k, strides: stride, dilationRate: dilation, padding, name: 'conv' });
    const dense = tf.layers.dense({ units: 3, name: 'head' });
    const model = tf.model({ inputs: input, outputs: dense.apply(tf.layers.flatten().apply(conv.apply(input))) as tf.SymbolicTensor });
    const rand = seededRandom(stride * 10 + dilation);
    const samples = 5;
    const pixels = new Float32Array(samples * h * w * c).map(() => rand() - 0.5);
    const data = inMemoryDataset({ kind: 'generated', sampleShape: [h, w, c], classNames: [], classSource: 'none', labelled: false, preprocessing: null, skipped: [], description: 'x', labels: null, inputs: pixels });
    const flatIn = (model.getLayer('head').input as tf.SymbolicTensor).shape[1]!;
    const stats = await captureInputStats(
      model,
      [
        { weight: 'conv/kernel', layer: 'conv', kind: 'conv2d', dIn: k * k * c, conv: { kernelSize: [k, k], strides: [stride, stride], dilation: [dilation, dilation], padding } },
        { weight: 'head/kernel', layer: 'head', kind: 'dense', dIn: flatIn },
      ],
      data,
      { samples: 4, batchSize: 3, gram: true },
    );
    const d = k * k * c;
    const gram = new Float64Array(d * d);
    const sumSq = new Float64Array(d);
    let rows = 0;
    for (let s = 0; s < 4; s++) {
      for (const row of naivePatches(pixels.subarray(s * h * w * c, (s + 1) * h * w * c), [h, w, c], k, stride, dilation, padding)) {
        rows++;
        row.forEach((a, i) => {
          sumSq[i] += a * a;
          row.forEach((b, j) => (gram[i * d + j] += a * b));
        });
      }
    }
    const got = stats.get('conv/kernel')!;
    expect(got.rows).toBe(rows);
    got.gram!.forEach((v, i) => expect(v).toBeCloseTo(gram[i]!, 4));
    got.sumSquares.forEach((v, i) => expect(v).toBeCloseTo(sumSq[i]!, 4));
    const head = stats.get('head/kernel')!;
    expect(head.rows).toBe(4);
    expect(head.gram!.length).toBe(flatIn * flatIn);
    model.dispose();
  });

  it.each<CaptureTarget['kind']>(['conv2d', 'depthwise'])('gives the same %s statistics when a batch is cut into slices to bound the patches', (kind) => {
    const [n, h, w, c, k] = [5, 6, 7, 3, 3];
    const rand = seededRandom(kind.length);
    const x = tf.tensor4d(new Float32Array(n * h * w * c).map(() => rand() - 0.5), [n, h, w, c]);
    const t: CaptureTarget = { weight: 'k', layer: 'l', kind, dIn: k * k * c, conv: { kernelSize: [k, k], strides: [1, 1], dilation: [1, 1], padding: 'same' } };
    const kernel = patchKernelFor(t);
    const whole = targetStats(x, t, kernel, true);
    // Two samples' patches per slice: three slices, the last one short.
    const sliced = targetStats(x, t, kernel, true, 2 * h * w * t.dIn);
    expect(sliced.rows).toBe(whole.rows);
    expect(whole.rows).toBe(n * h * w);
    whole.results.forEach((r, i) => {
      const [a, b] = [r.dataSync(), sliced.results[i]!.dataSync()];
      expect(b.length).toBe(a.length);
      a.forEach((v, j) => expect(b[j]).toBeCloseTo(v, 4));
    });
    tf.dispose([x, kernel!, ...whole.results, ...sliced.results]);
  });
});
