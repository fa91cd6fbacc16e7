import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openSample, trainingSet } from '../calibrate/testing/fashion';
import type { Dataset } from '../evaluate/dataset';
import { exportVariant, gzipBytes } from '../export';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { searchRecipe, type Candidate } from './search';
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
    const r = await searchRecipe(mlp, data, { kind: 'max-drop', points: 1 }, { bits: [8, 4], sparsities: [0, 0.5, 0.8, 0.9], samples: 256, onCandidate: (c) => seen.push(c) });
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
  });

  it('stops when cancelled and keeps what it found', async () => {
    const { calibration, validation } = splitDataset(train, 128, 300);
    const controller = new AbortController();
    const r = await searchRecipe(mlp, { calibration: { fingerprint: 'f', dataset: calibration }, validation }, { kind: 'max-drop', points: 2 }, {
      bits: [8, 4],
      sparsities: [0, 0.5, 0.8],
      samples: 128,
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
