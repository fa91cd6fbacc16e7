import { describe, expect, it } from 'vitest';
import type { JobProgress } from './api';
import { trainingReporter } from './progress';

const batch = (epoch: number, b: number) =>
  ({ kind: 'batch', epoch, epochs: 3, batch: b, batches: 10, loss: 1, accuracy: 0.5, samplesPerSecond: 100, etaSeconds: 2, sparsity: null }) as const;
const epoch = (n: number) =>
  ({ kind: 'epoch', epoch: n, loss: 1, accuracy: 0.5, validationLoss: null, validationAccuracy: null, best: true, seconds: 1 }) as const;

describe('trainingReporter', () => {
  it('throttles batch reports but streams every epoch, with the run length the batches gave', () => {
    const seen: JobProgress[] = [];
    const report = trainingReporter((p) => void seen.push(p))!;
    for (let b = 1; b <= 10; b++) report(batch(1, b), 'recipe.steps[0]');
    report(epoch(1), 'recipe.steps[0]');
    report(epoch(2), 'recipe.steps[0]');
    const epochs = seen.filter((p) => p.streamed?.kind === 'training' && p.streamed.progress.kind === 'epoch');
    const batches = seen.filter((p) => p.streamed?.kind === 'training' && p.streamed.progress.kind === 'batch');
    expect(epochs.map((p) => [p.done, p.total])).toEqual([[1, 3], [2, 3]]);
    // Ten batch reports within a few milliseconds: only the first gets through.
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ phase: 'train', done: 0.1, total: 3, etaMs: 2000 });
    expect(seen.every((p) => p.streamed?.kind === 'training' && p.streamed.where === 'recipe.steps[0]')).toBe(true);
  });

  it('is absent when nobody listens', () => {
    expect(trainingReporter(undefined)).toBeUndefined();
  });
});
