/**
 * The prune step writes the tensors under its global threshold only when they are first read, so that storage,
 * which reads and lets go of one tensor at a time, never holds a pruned copy of every tensor at once (issue 13's
 * memory budget). What is written must be exactly what pruneGlobal writes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../../formats';
import { useCpu } from '../../formats/testing/build-models';
import { realFiles } from '../../formats/testing/files';
import type { OpenedModel } from '../../model/types';
import { pruneGlobal } from '../../prune';
import { lastPruneStepOf, parseRecipe } from '../schema';
import { workingModelOf } from '../working-model';
import { runPrune } from './prune';
import { progressCounter, type StepContext } from './context';

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
});
