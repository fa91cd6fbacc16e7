/**
 * The float16 rescue: when even 8 bits miss a tight fidelity target, the search keeps the tensors its sensitivity
 * curves say lose most at 8 bits in float16 (as few as meet the target, by bisection) and refines from there, rather
 * than answering nothing. On the sample MLP with Fashion-MNIST training images, at a cosine 8 bits do not reach.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openSample, trainingSet } from '../calibrate/testing/fashion';
import type { Dataset } from '../evaluate/dataset';
import type { OpenedModel } from '../model/types';
import { searchRecipe } from './search';
import { splitDataset } from './split';

let mlp: OpenedModel;
let train: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  mlp = await openSample('fashion-mlp');
  train = trainingSet(mlp);
});

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
