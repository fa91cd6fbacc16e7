/**
 * The prune step writes the tensors under its global threshold only when they are first read, so that storage,
 * which reads and lets go of one tensor at a time, never holds a pruned copy of every tensor at once (issue 13's
 * memory budget). What is written must be exactly what pruneGlobal writes. Affine storage does not even read them:
 * it takes the codes the pending tensors make from their source weights, and those must be the bytes storage made
 * from the written tensors.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { openModel } from '../../formats';
import { useCpu } from '../../formats/testing/build-models';
import { realFiles } from '../../formats/testing/files';
import type { OpenedModel } from '../../model/types';
import { pruneGlobal } from '../../prune';
import { lastPruneStepOf, parseRecipe } from '../schema';
import { workingModelOf } from '../working-model';
import { runPrune } from './prune';
import { runQuantize } from './quantize';
import { progressCounter, type StepContext } from './context';
import { applyRecipe } from '../apply';
import { exportVariant } from '../../export';
import { SIMD_FROM, simdKernels } from '../../simd/kernels';
import { SAMPLE_FROM } from '../../prune/sampled-bracket';
import { knownRange } from '../../model/known-ranges';
import { knownSample, sampleEvery, takeSample } from '../../model/known-samples';
import { bitsOf } from '../../prune/select';

let emotion: OpenedModel;
beforeAll(async () => {
  await useCpu();
  emotion = await openModel(realFiles('human-emotion'));
});

function context(): StepContext {
  const progress = progressCounter(100, undefined, undefined);
  return { where: 'recipe.steps[0]', data: {}, checkAbort: progress.checkAbort, tick: progress.tick, pause: progress.pause, noteModelRun: () => {}, training: {} };
}

const pending = (w: object) => typeof Object.getOwnPropertyDescriptor(w, 'values')?.get === 'function';
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('the prune step writes globally pruned tensors on first read', () => {
  it('leaves them pending, warns about emptied tensors without writing them, and writes pruneGlobal\'s bits', async () => {
    const working = workingModelOf(emotion);
    const pruned = await runPrune(working, lastPruneStepOf(parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.5 }] }))!, context());
    const prunable = working.weights.flatMap((w, i) => (w.prunable ? [i] : []));
    expect(prunable.length).toBeGreaterThan(3);
    for (const i of prunable) expect(pending(pruned.weights[i]!), pruned.weights[i]!.name).toBe(true);
    // The real emotion model at 50% global has tensors the threshold empties (emptied.test.ts): warned before any write.
    expect(pruned.warnings.some((w) => w.code === 'emptied-tensor')).toBe(true);
    const want = pruneGlobal(prunable.map((i) => working.weights[i]!.values as Float32Array), 0.5).values;
    // Read last to first: each tensor's bits do not depend on which were written before.
    for (let j = prunable.length - 1; j >= 0; j--) {
      const got = pruned.weights[prunable[j]!]!.values as Float32Array;
      expect(bits(got)).toEqual(bits(want[j]!));
      expect(pruned.weights[prunable[j]!]!.masked).toBe(true);
    }
    // Weights the step leaves alone are the source's arrays.
    const other = working.weights.findIndex((w) => !w.prunable);
    expect(pruned.weights[other]!.values).toBe(working.weights[other]!.values);
  });

  for (const precision of ['uint8', { bits: 4 }, 'uint16'] as const) {
    it(`stores them as ${JSON.stringify(precision)} without writing them, in the bytes the written tensors store as`, async () => {
      const working = workingModelOf(emotion);
      const prune = lastPruneStepOf(parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.5 }] }))!;
      const quantize = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'quantize', default: precision }] }).steps[0] as Parameters<typeof runQuantize>[1];
      const fused = await runPrune(working, prune, context());
      const stored = await runQuantize(fused, quantize, context());
      const written = await runPrune(working, prune, context());
      for (const w of written.weights) void w.values; // every pruned tensor written before storage: the ordinary path
      const want = await runQuantize(written, quantize, context());
      const prunable = working.weights.flatMap((w, i) => (w.prunable ? [i] : []));
      const unread = prunable.filter((i) => pending(fused.weights[i]!));
      // A tensor whose extreme sits at the threshold would be written; none of this model's does.
      expect(unread).toEqual(prunable);
      stored.weights.forEach((w, i) => {
        const other = want.weights[i]!;
        expect(w.stored!.quantization, w.name).toEqual(other.stored!.quantization);
        expect(Buffer.from(w.stored!.bytes).equals(Buffer.from(other.stored!.bytes)), w.name).toBe(true);
        expect(w.zeros, w.name).toEqual(other.zeros);
      });
    });
  }
});

describe('a prune step followed by affine storage codes the weights while it selects them', () => {
  let nsfw: OpenedModel;
  beforeAll(async () => {
    // nsfwjs MobileNetV2 (2.5M prunable weights, above the sampled selection's threshold) as float32 files, as a
    // user who converted it without quantization would drop them: opening then notes each kernel's range.
    const source = await openModel(realFiles('nsfwjs-mobilenet-v2'));
    const keep = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'quantize', default: 'none' }] });
    const files = exportVariant(source, await applyRecipe(source, keep), keep).files;
    nsfw = await openModel(files.map((f) => ({ name: `nsfw-f32/${f.name}`, data: f.data })));
  });

  it('stores the bytes of the two passes (selection, then coding each pruned tensor), with one pass over the kernels whose range is known', async () => {
    const working = workingModelOf(nsfw);
    const prunable = working.weights.flatMap((w, i) => (w.prunable ? [i] : []));
    expect(prunable.reduce((n, i) => n + working.weights[i]!.values.length, 0)).toBeGreaterThan(SAMPLE_FROM);
    const steps = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.6 }, { step: 'quantize', default: 'uint8', perTensor: [{ match: '*expand*', precision: { bits: 5 } }] }] }).steps;
    const [prune, quantize] = steps as [Parameters<typeof runPrune>[1], Parameters<typeof runQuantize>[1] & object];
    const oneRead = vi.spyOn(simdKernels()!, 'codeBracket');
    const fused = await runQuantize(await runPrune(working, prune, context(), quantize), quantize, context());
    // Every kernel whose range opening noted (all but five of fewer than 1,024 weights) has both signs and extremes
    // far above the threshold, so each is coded in the one pass.
    const ranged = prunable.filter((i) => knownRange(working.weights[i]!.values as Float32Array));
    expect(ranged.length).toBe(prunable.length - 5);
    // Opening also took the selection's sample from each kernel its SIMD pass read (the small ones are sampled
    // when selecting): the keys a direct read at the model's one stride gives.
    const every = sampleEvery(nsfw.weights.reduce((n, w) => n + w.values.length, 0));
    const sampled = prunable.filter((i) => working.weights[i]!.values.length >= SIMD_FROM);
    expect(sampled.length).toBeGreaterThan(40);
    for (const i of sampled) {
      const values = working.weights[i]!.values as Float32Array;
      expect(knownSample(values)?.every).toBe(every);
      expect([...knownSample(values)!.keys], working.weights[i]!.name).toEqual([...takeSample(bitsOf(values), every!)]);
    }
    // A model below the sampled selection's threshold (emotion, 205,129 weights) is never sampled, so opening takes
    // no sample of it, though it notes the ranges of the same float32 kernels.
    expect(emotion.weights.some((w) => knownRange(w.values as Float32Array))).toBe(true);
    expect(emotion.weights.filter((w) => knownSample(w.values))).toEqual([]);
    expect(oneRead).toHaveBeenCalledTimes(ranged.length);
    oneRead.mockRestore();
    const twice = await runQuantize(await runPrune(working, prune, context()), quantize, context());
    const written = await runPrune(working, prune, context());
    for (const w of written.weights) void w.values;
    const ordinary = await runQuantize(written, quantize, context());
    fused.weights.forEach((w, i) => {
      for (const other of [twice.weights[i]!, ordinary.weights[i]!]) {
        expect(w.stored!.quantization, w.name).toEqual(other.stored!.quantization);
        expect(w.stored!.bits, w.name).toBe(other.stored!.bits);
        expect(Buffer.from(w.stored!.bytes).equals(Buffer.from(other.stored!.bytes)), w.name).toBe(true);
        expect(w.zeros, w.name).toEqual(other.zeros);
      }
    });
    expect(fused.weights.some((w) => w.stored!.bits === 5)).toBe(true);
  });

  it('is what applyRecipe runs for prune then quantize, and not before equalization or float16 storage; the same bytes as with a second prune step between them', async () => {
    const oneRead = vi.spyOn(simdKernels()!, 'codeBracket');
    const recipe = (steps: unknown[]) => parseRecipe({ pare: 'recipe', version: 2, steps });
    const fused = await applyRecipe(nsfw, recipe([{ step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: 'uint8' }]));
    expect(oneRead.mock.calls.length).toBeGreaterThan(0);
    oneRead.mockClear();
    await applyRecipe(nsfw, recipe([{ step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: 'uint8', equalize: true }]));
    await applyRecipe(nsfw, recipe([{ step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: 'float16' }]));
    expect(oneRead).not.toHaveBeenCalled();
    oneRead.mockRestore();
    const other = await applyRecipe(nsfw, recipe([{ step: 'prune', sparsity: 0.5 }, { step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: 'uint8' }]));
    fused.weights.forEach((w, i) => expect(Buffer.from(w.stored.bytes).equals(Buffer.from(other.weights[i]!.stored.bytes)), w.name).toBe(true));
  });
});
