import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { exportVariant } from '../export';
import { expectStockRoundTrip, randomInputs, sameBits } from '../export/testing/roundtrip';
import { openModel } from '../formats';
import { convModel, saveArtifacts, sequenceModel, useCpu } from '../formats/testing/build-models';
import { artifactsToFiles } from '../formats/testing/encode';
import { graphModelFiles } from '../formats/testing/graph-model';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from './apply';
import { parseRecipe, type Precision } from './schema';

let conv: OpenedModel;
let seq: OpenedModel;
let convUint8: OpenedModel;

beforeAll(async () => {
  await useCpu();
  const convArtifacts = await saveArtifacts(convModel());
  conv = await openModel(artifactsToFiles(convArtifacts));
  convUint8 = await openModel(artifactsToFiles(convArtifacts, { storage: 'uint8' }));
  seq = await openModel(artifactsToFiles(await saveArtifacts(sequenceModel())));
});

const recipe = (x: object) => parseRecipe({ pare: 'recipe', version: 1, ...x });
const zerosIn = (v: ArrayLike<number>) => Array.prototype.filter.call(v, (x: number) => x === 0).length;
const PRECISIONS: Precision[] = ['keep', 'none', 'float16', 'uint16', 'uint8', { bits: 2 }, { bits: 3 }, { bits: 4 }, { bits: 7 }];
const precision = fc.constantFrom(...PRECISIONS);
const clip = fc.constantFrom('minmax' as const, 'percentile' as const, 'mse' as const);

describe('applyRecipe on small models', () => {
  it('has prunable and non-prunable tensors to work with', () => {
    expect(conv.weights.filter((w) => w.prunable).length).toBeGreaterThanOrEqual(5);
    expect(conv.weights.filter((w) => !w.prunable).length).toBeGreaterThanOrEqual(5);
  });

  it('global sparsity: exactly round(s*n) zeros over prunable tensors, all else bit-identical (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom<Precision>('keep', 'none'), async (s, p) => {
        const v = await applyRecipe(conv, recipe({ prune: { sparsity: s }, quantize: { default: p } }));
        const prunable = conv.weights.filter((w) => w.prunable);
        const n = prunable.reduce((a, w) => a + w.values.length, 0);
        const zeros = v.weights.filter((_, i) => conv.weights[i]!.prunable).reduce((a, w) => a + zerosIn(w.values), 0);
        expect(zeros).toBe(Math.round(s * n));
        expect(v.stats.prunableParams).toBe(n);
        expect(v.stats.prunedSparsity).toBeCloseTo(Math.round(s * n) / n, 12);
        v.weights.forEach((w, i) => {
          if (!conv.weights[i]!.prunable) expect(sameBits(w.values, conv.weights[i]!.values)).toBe(true);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('per-tensor rules prune their tensors alone; the rest share the global target (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), async (s, t) => {
        const v = await applyRecipe(conv, recipe({ prune: { sparsity: s, perTensor: [{ match: 'dw/*', sparsity: t }] } }));
        let poolN = 0;
        let poolZeros = 0;
        conv.weights.forEach((w, i) => {
          if (!w.prunable) return;
          const z = zerosIn(v.weights[i]!.values);
          if (w.name.startsWith('dw/')) expect(z).toBe(Math.round(t * w.values.length));
          else {
            poolN += w.values.length;
            poolZeros += z;
          }
        });
        expect(poolZeros).toBe(Math.round(s * poolN));
      }),
      { numRuns: 25 },
    );
  });

  it('prune.default prunes each tensor to its own exact target', async () => {
    const v = await applyRecipe(conv, recipe({ prune: { default: 0.3 } }));
    conv.weights.forEach((w, i) => {
      if (w.prunable) expect(zerosIn(v.weights[i]!.values)).toBe(Math.round(0.3 * w.values.length));
    });
  });

  it('pruned zeros stay exactly zero through every precision and clip (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), precision, clip, async (s, p, c) => {
        const pruned = await applyRecipe(conv, recipe({ prune: { sparsity: s }, quantize: { default: 'none' } }));
        const v = await applyRecipe(conv, recipe({ prune: { sparsity: s }, quantize: { default: p, clip: c } }));
        v.weights.forEach((w, i) => {
          const before = pruned.weights[i]!.values;
          for (let k = 0; k < before.length; k++) if (before[k] === 0) expect(w.values[k]).toBe(0);
        });
        expect(v.stats.sparsity).toBeGreaterThanOrEqual(v.stats.prunedSparsity);
        expect(v.stats.prunedSparsity).toBe(pruned.stats.prunedSparsity);
      }),
      { numRuns: 30 },
    );
  });

  it('minmax affine error is at most half a step for every value (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 0.9, noNaN: true }), fc.constantFrom<Precision>('uint8', 'uint16', { bits: 2 }, { bits: 5 }), async (s, p) => {
        const pruned = await applyRecipe(conv, recipe({ prune: { sparsity: s }, quantize: { default: 'none' } }));
        const v = await applyRecipe(conv, recipe({ prune: { sparsity: s }, quantize: { default: p } }));
        v.weights.forEach((w, i) => {
          if (conv.weights[i]!.batchNormStatistic) return; // kept as stored by default: see the test below
          const q = w.stored.quantization!;
          expect(q.dtype).toBe(p === 'uint16' ? 'uint16' : 'uint8');
          const before = pruned.weights[i]!.values;
          // Half a step, plus the float32 rounding of the decoded value.
          const bound = q.scale! / 2 + 1e-6 * Math.max(Math.abs(q.min!), Math.abs(q.min! + q.scale! * 65535));
          for (let k = 0; k < before.length; k++) expect(Math.abs(w.values[k]! - before[k]!)).toBeLessThanOrEqual(bound);
        });
      }),
      { numRuns: 20 },
    );
  });

  it('low-bit codes use at most 2^bits levels, stored as uint8', async () => {
    for (const bits of [2, 3, 4, 7]) {
      const v = await applyRecipe(conv, recipe({ quantize: { default: { bits } } }));
      for (const w of v.weights.filter((_, i) => !conv.weights[i]!.batchNormStatistic)) {
        expect(w.stored.dtype).toBe('uint8');
        expect(w.stored.bits).toBe(bits);
        expect(new Set(w.stored.bytes).size).toBeLessThanOrEqual(2 ** bits);
        expect(Math.max(...w.stored.bytes)).toBeLessThan(2 ** bits);
      }
    }
  });

  it('keeps batch-norm moving means and variances as stored under a quantizing default, with a note, unless a rule names them', async () => {
    const stats = conv.weights.filter((w) => w.batchNormStatistic).map((w) => w.name);
    expect(stats.length).toBeGreaterThanOrEqual(2);
    expect(stats.every((n) => /moving_(mean|variance)$/.test(n))).toBe(true);
    const v = await applyRecipe(conv, recipe({ quantize: { default: 'uint8' } }));
    for (const n of stats) expect(v.weights.find((w) => w.name === n)!.stored.dtype).toBe('float32');
    expect(v.warnings.some((w) => w.message.includes('batch-norm statistics') && w.message.includes('.perTensor to quantize them'))).toBe(true);
    expect(v.weights.find((w) => w.name === conv.weights.find((c) => c.ownerType === 'BatchNormalization' && !c.batchNormStatistic)!.name)!.stored.dtype).toBe('uint8');
    const asked = await applyRecipe(conv, recipe({ quantize: { default: 'uint8', perTensor: [{ match: '*moving_variance', precision: 'uint8' }] } }));
    expect(asked.weights.find((w) => w.name.endsWith('moving_variance'))!.stored.dtype).toBe('uint8');
    expect(asked.weights.find((w) => w.name.endsWith('moving_mean'))!.stored.dtype).toBe('float32');
  });

  it('never prunes non-prunable tensors (embeddings, biases, batch norm)', async () => {
    const v = await applyRecipe(seq, recipe({ prune: { sparsity: 0.9 }, quantize: { default: 'none' } }));
    seq.weights.forEach((w, i) => {
      if (!w.prunable) expect(sameBits(v.weights[i]!.values, w.values)).toBe(true);
    });
    expect(seq.weights.find((w) => w.name.startsWith('embed'))!.prunable).toBe(false);
  });

  it('never quantizes or prunes int32 tensors, whatever the recipe says; graph round trip', async () => {
    const graph = await openModel(graphModelFiles());
    const r = recipe({ prune: { sparsity: 0.5 }, quantize: { default: { bits: 2 }, perTensor: [{ match: 'shape', precision: 'uint8' }] } });
    const v = await applyRecipe(graph, r);
    const shape = v.weights.find((w) => w.name === 'shape')!;
    expect(shape.stored).toEqual({ dtype: 'int32', bytes: expect.any(Uint8Array) });
    expect(Array.from(shape.values)).toEqual([-1, 3]);
    expect(v.weights.find((w) => w.name === 'w')!.stored.bits).toBe(2);
    const { files } = exportVariant(graph, v, r);
    await expectStockRoundTrip(graph, v, files, [tf.randomUniform([3, 4], -1, 1, 'float32', 5)]);
  });

  it('is deterministic: the same recipe gives the same bytes, export included (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), precision, clip, async (s, p, c) => {
        const r = recipe({ prune: { sparsity: s }, quantize: { default: p, clip: c } });
        const a = exportVariant(conv, await applyRecipe(conv, r), r);
        const b = exportVariant(conv, await applyRecipe(conv, r), r);
        expect(a.files.map((f) => f.name)).toEqual(b.files.map((f) => f.name));
        a.files.forEach((f, i) => expect(sameBits(f.data, b.files[i]!.data)).toBe(true));
      }),
      { numRuns: 20 },
    );
  });

  it('is idempotent: applying the recipe again to its own export changes no byte of the weights (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), precision, clip, async (s, p, c) => {
        const r = recipe({ prune: { sparsity: s }, quantize: { default: p, clip: c } });
        const first = exportVariant(conv, await applyRecipe(conv, r), r);
        const reopened = await openModel(first.files);
        const second = exportVariant(reopened, await applyRecipe(reopened, r), r);
        const manifest = (e: typeof first) => JSON.parse(new TextDecoder().decode(e.files[0]!.data)).weightsManifest;
        expect(manifest(second)).toEqual(manifest(first));
        expect(second.files.length).toBe(first.files.length);
        first.files.slice(1).forEach((f, i) => expect(sameBits(f.data, second.files[i + 1]!.data)).toBe(true));
      }),
      { numRuns: 25 },
    );
  });

  it('keeps an already-quantized input exactly when asked for the same precision', async () => {
    for (const p of ['keep', 'uint8'] as const) {
      const v = await applyRecipe(convUint8, recipe({ quantize: { default: p } }));
      v.weights.forEach((w, i) => {
        expect(w.stored.quantization).toEqual(convUint8.weights[i]!.quantization);
        expect(sameBits(w.values, convUint8.weights[i]!.values)).toBe(true);
      });
    }
  });

  it('never modifies the model', async () => {
    const before = conv.weights.map((w) => w.values.slice());
    await applyRecipe(conv, recipe({ prune: { sparsity: 0.7 }, quantize: { default: { bits: 3 } } }));
    await applyRecipe(conv, recipe({ prune: { default: 0.7 }, quantize: { default: 'float16' } }));
    conv.weights.forEach((w, i) => expect(sameBits(w.values, before[i]!)).toBe(true));
  });

  it('reports progress per step, ending at the total', async () => {
    const seen: { done: number; total: number; phase: string; tensor?: string }[] = [];
    await applyRecipe(conv, recipe({ prune: { sparsity: 0.5, perTensor: [{ match: 'out/kernel', sparsity: 0.2 }] } }), {
      onProgress: (p) => seen.push(p),
    });
    // One global step, one per-tensor prune, one store per weight.
    expect(seen.length).toBe(2 + conv.weights.length);
    expect(seen.map((p) => p.done)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.every((p) => p.total === seen.length)).toBe(true);
    expect(seen[1]).toMatchObject({ phase: 'prune', tensor: 'out/kernel' });
    expect(seen.at(-1)!.phase).toBe('quantize');
  });

  it('stops with PareError "cancelled" when the signal is aborted', async () => {
    const r = recipe({ prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } });
    const early = new AbortController();
    early.abort();
    await expect(applyRecipe(conv, r, { signal: early.signal })).rejects.toMatchObject({ code: 'cancelled' });
    const midway = new AbortController();
    let calls = 0;
    const err = await applyRecipe(conv, r, {
      signal: midway.signal,
      onProgress: (p) => {
        calls++;
        if (p.done === 3) midway.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PareError);
    expect((err as PareError).message).toBe(`Applying the recipe was cancelled after 3 of ${1 + conv.weights.length} steps.`);
    expect(calls).toBe(3);
  });

  it('warns about rules that select nothing', async () => {
    const v = await applyRecipe(conv, recipe({ quantize: { skip: ['no/such/*'] } }));
    expect(v.warnings.map((w) => w.message)).toEqual(['Recipe rule steps[0].skip "no/such/*" selects no tensor of this model; it was ignored.']);
  });

  it.each<[string, object]>([
    ['50% global, uint8', { prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } }],
    ['float16', { quantize: { default: 'float16' } }],
    ['3-bit mse, skip the output layer', { prune: { default: 0.6 }, quantize: { default: { bits: 3 }, clip: 'mse', skip: ['out/*'] } }],
    ['uint16 percentile', { prune: { sparsity: 0.9 }, quantize: { default: 'uint16', clip: 'percentile' } }],
  ])('stock round trip: %s', async (_, x) => {
    const r = recipe(x);
    for (const model of [conv, convUint8]) {
      const v = await applyRecipe(model, r);
      const { files } = exportVariant(model, v, r);
      await expectStockRoundTrip(model, v, files, randomInputs(model, 3, [[2, 12, 12, 2]]));
    }
  });
});
