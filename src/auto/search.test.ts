import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openSample, trainingSet } from '../calibrate/testing/fashion';
import type { Dataset } from '../evaluate/dataset';
import { exportVariant, gzipBytes } from '../export';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { CURVES_MAX_TENSORS, defaultOrdering, searchRecipe, type Candidate } from './search';
import { splitDataset } from './split';

let mlp: OpenedModel;
let train: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  mlp = await openSample('fashion-mlp');
  train = trainingSet(mlp);
});

describe('searchRecipe', () => {
  it('finds the smallest recipe within 1 point on the validation part, reports every candidate, and the answer reproduces', async () => {
    const { calibration, validation } = splitDataset(train, 256, 600);
    expect([calibration.size, validation.size]).toEqual([256, 600]);
    const seen: Candidate[] = [];
    const data = { calibration: { fingerprint: 'sha256:train', dataset: calibration }, validation };
    const r = await searchRecipe(mlp, data, { kind: 'max-drop', points: 1 }, { bits: [8, 4], sparsities: [0, 0.5, 0.8, 0.9], samples: 256, refine: 0, onCandidate: (c) => seen.push(c) });
    expect(r.complete).toBe(true);
    expect(seen).toEqual(r.tried);
    const best = r.best!;
    expect(best).not.toBeNull();
    expect((r.original.quality.accuracy! - best.quality.accuracy!) * 100).toBeLessThanOrEqual(1 + 1e-9);
    for (const c of r.tried) if (c.meets) expect(best.wireBytes).toBeLessThanOrEqual(c.wireBytes);
    expect(best.wireBytes).toBeLessThan(r.original.wireBytes / 5);
    // Bisection: a width that meets unpruned is pushed to the highest sparsity that still meets.
    const at8 = r.tried.filter((c) => c.bits === 8);
    expect(at8[0]!.sparsity).toBe(0);
    // The answer is a plain recipe: applying it with the same calibration data gives the same bytes.
    const v = await applyRecipe(mlp, best.recipe, { data: { calibration: data.calibration } });
    const again = exportVariant(mlp, v, best.recipe);
    expect(gzipBytes(again.files[0]!.data) + again.sizes.weightGzipBytes).toBe(best.wireBytes);
    // The export kept from the search is the very one the recipe gives again.
    const b64 = (files: { data: Uint8Array }[]) => files.map((f) => Buffer.from(f.data).toString('base64'));
    expect(b64(r.bestFiles!)).toEqual(b64(again.files));
    // Each candidate calibrates three times (obs, gptq, bias correction): minutes when the machine is shared.
  }, 150_000);

  it('refines the uniform answer with per-tensor widths from the sensitivity curves, as a plain recipe that reproduces', async () => {
    const { calibration, validation } = splitDataset(train, 128, 400);
    const data = { calibration: { fingerprint: 'sha256:train', dataset: calibration }, validation };
    const r = await searchRecipe(mlp, data, { kind: 'max-drop', points: 1 }, { bits: [4], sparsities: [0.5, 0.7], samples: 128, refine: 3 });
    const uniform = r.tried.filter((c) => !c.widths);
    const mixed = r.tried.filter((c) => c.widths);
    expect(mixed.length).toBeGreaterThan(0);
    expect(mixed.length).toBeLessThanOrEqual(3);
    const best = r.best!;
    for (const c of uniform) if (c.meets) expect(best.wireBytes).toBeLessThanOrEqual(c.wireBytes);
    // Every candidate stores biases at 8 bits and corrects them; a mixed one names its widths in perTensor rules.
    const quantize = (c: Candidate) => c.recipe.steps.find((s) => s.step === 'quantize') as Extract<Candidate['recipe']['steps'][number], { step: 'quantize' }>;
    expect(quantize(best).biasCorrection).toBe(true);
    expect(quantize(best).perTensor).toContainEqual({ match: '*/bias', precision: 'uint8' });
    for (const c of mixed) {
      for (const [tensor, w] of Object.entries(c.widths!)) {
        const rule = quantize(c).perTensor.find((p) => p.match === tensor);
        if (w === c.bits) expect(rule).toBeUndefined();
        else expect(rule?.precision).toEqual(w === 16 ? 'float16' : w === 8 ? 'uint8' : { bits: w });
      }
    }
    console.log(r.tried.map((c) => `${(c.sparsity * 100).toFixed(0)}% ${c.bits}-bit ${JSON.stringify(c.widths ?? {})} acc ${(c.quality.accuracy! * 100).toFixed(2)} ${c.wireBytes} ${c.meets ? 'meets' : 'misses'}`).join('\n'));
    const v = await applyRecipe(mlp, best.recipe, { data: { calibration: data.calibration } });
    const b64 = (files: { data: Uint8Array }[]) => files.map((f) => Buffer.from(f.data).toString('base64'));
    expect(b64(r.bestFiles!)).toEqual(b64(exportVariant(mlp, v, best.recipe).files));
  }, 90_000);

  it('orders the moves by output error when asked, taking runs of the cheapest, and answers with mixed widths that reproduce', async () => {
    const { calibration, validation } = splitDataset(train, 128, 400);
    const data = { calibration: { fingerprint: 'sha256:train', dataset: calibration }, validation };
    const r = await searchRecipe(mlp, data, { kind: 'max-drop', points: 1 }, { bits: [8], sparsities: [0], samples: 128, refine: 4, ordering: 'output-error', sequential: false });
    const [uniform8, ...mixed] = r.tried;
    expect(uniform8!.widths).toBeUndefined();
    expect(uniform8!.meets).toBe(true);
    expect(mixed.length).toBeGreaterThan(0);
    expect(mixed.length).toBeLessThanOrEqual(4);
    // Runs of the cheapest moves, doubling while they meet: one tensor one width down, then two moves, then four.
    const steps = (c: Candidate) => Object.values(c.widths!).reduce((n, w) => n + [8, 6, 5, 4, 3, 2].indexOf(w), 0);
    expect(steps(mixed[0]!)).toBe(1);
    if (mixed[0]!.meets && mixed[1]) expect(steps(mixed[1])).toBe(2);
    if (mixed[1]?.meets && mixed[2]) expect(steps(mixed[2])).toBe(4);
    const best = r.best!;
    expect(best.widths).toBeDefined();
    expect(best.wireBytes).toBeLessThan(uniform8!.wireBytes);
    expect((r.original.quality.accuracy! - best.quality.accuracy!) * 100).toBeLessThanOrEqual(1 + 1e-9);
    const v = await applyRecipe(mlp, best.recipe, { data: { calibration: data.calibration } });
    const again = exportVariant(mlp, v, best.recipe);
    expect(gzipBytes(again.files[0]!.data) + again.sizes.weightGzipBytes).toBe(best.wireBytes);
  }, 120_000);

  it('keeps the sensitivity curves for layers models and small graphs, output error beyond CURVES_MAX_TENSORS kernels', () => {
    const kernels = (n: number) => Array.from({ length: n }, () => ({ prunable: true })) as unknown as OpenedModel['weights'];
    expect(defaultOrdering({ format: 'layers-model', weights: kernels(500) })).toBe('curves');
    expect(defaultOrdering({ format: 'graph-model', weights: kernels(CURVES_MAX_TENSORS) })).toBe('curves');
    expect(defaultOrdering({ format: 'graph-model', weights: kernels(CURVES_MAX_TENSORS + 1) })).toBe('output-error');
  });

  it('stops when cancelled and keeps what it found', async () => {
    const { calibration, validation } = splitDataset(train, 128, 300);
    const controller = new AbortController();
    const r = await searchRecipe(mlp, { calibration: { fingerprint: 'f', dataset: calibration }, validation }, { kind: 'max-drop', points: 2 }, {
      bits: [8, 4],
      sparsities: [0, 0.5, 0.8],
      samples: 128,
      refine: 0,
      signal: controller.signal,
      onCandidate: (_, done) => done === 2 && controller.abort(),
    });
    expect(r.complete).toBe(false);
    expect(r.tried).toHaveLength(2);
    expect(r.best).toEqual(r.tried.filter((c) => c.meets).sort((a, b) => a.wireBytes - b.wireBytes)[0] ?? null);
  });

  it('refuses a drop target on unlabelled data, saying what to ask for instead', async () => {
    const { calibration, validation } = splitDataset(train, 64, 64);
    await expect(
      searchRecipe(mlp, { calibration: { fingerprint: 'f', dataset: calibration }, validation: { ...validation, labelled: false } }, { kind: 'max-drop', points: 1 }),
    ).rejects.toThrow('A maximum accuracy drop needs labelled data; without labels, ask for a minimum agreement or cosine.');
  });
});

// The float16 rescue: when even 8 bits miss a tight fidelity target, the search keeps the tensors its sensitivity
// curves say lose most at 8 bits in float16 (as few as meet the target, by bisection) and refines from there, rather
// than answering nothing. On the sample MLP with Fashion-MNIST training images, at a cosine 8 bits do not reach.
describe('searchRecipe at a fidelity target 8 bits miss', () => {
  it('keeps the fewest sensitive tensors at float16 that meet it, and answers with a smaller file than float16 throughout', async () => {
    const { calibration, validation } = splitDataset(train, 64, 200);
    const data = { calibration: { fingerprint: 'sha256:train', dataset: calibration }, validation };
    const target = { kind: 'min-cosine', value: 0.999999 } as const;
    const r = await searchRecipe(mlp, data, target, { bits: [8], sparsities: [0], samples: 64, refine: 1 });
    const [uniform8, allHalf, ...rest] = r.tried;
    expect(uniform8!.widths).toBeUndefined();
    expect(uniform8!.meets).toBe(false);
    // The rescue starts from every prunable tensor at float16 (its small tensors at 8 bits, the quantize default).
    expect(Object.values(allHalf!.widths!).every((w) => w === 16)).toBe(true);
    expect(allHalf!.meets).toBe(true);
    const best = r.best!;
    expect(best.quality.cosine).toBeGreaterThanOrEqual(target.value);
    expect(Object.values(best.widths!)).toContain(16);
    expect(Object.values(best.widths!).some((w) => w < 16)).toBe(true);
    expect(best.wireBytes).toBeLessThan(allHalf!.wireBytes);
    expect(rest.length).toBeGreaterThan(0);
    for (const c of r.tried) if (c.meets) expect(best.wireBytes).toBeLessThanOrEqual(c.wireBytes);
  }, 180_000);
});
