/** Models whose input fixes the batch size (graph models exported for batch 1) are evaluated at that size. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { batchSizeFor, evaluateModel } from './evaluate';
import { loadFixtureGraphModel } from './testing/load-fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('batchSizeFor', () => {
  it('uses the asked size, 64 by default, when the batch dimension is free', () => {
    expect(batchSizeFor([null, 28, 28, 1], undefined)).toBe(64);
    expect(batchSizeFor([null, 4], 7)).toBe(7);
    expect(batchSizeFor([-1, 4], 7)).toBe(7);
  });

  it("uses the model's own size when its input fixes it, and refuses another", () => {
    expect(batchSizeFor([1, -1, -1, 3], undefined)).toBe(1);
    expect(() => batchSizeFor([1, 224, 224, 3], 64)).toThrow(/takes batches of 1 only; a batch of 64/);
    expect(() => batchSizeFor([null, 4], 0)).toThrow(PareError);
  });
});

describe('evaluateModel on a batch-1 graph model (human handtrack, input [1, -1, -1, 3])', () => {
  it('measures fidelity on generated inputs without being told the batch size', async () => {
    const model = await loadFixtureGraphModel('human-handtrack');
    const reference = await loadFixtureGraphModel('human-handtrack');
    const before = tf.memory().numTensors;
    // Two samples: batched together they would make a [2, ...] input, which the graph refuses.
    const r = await evaluateModel(model, null, { reference, generated: { count: 2 } });
    expect(r.samples).toBe(2);
    expect(r.fidelity?.agreement).toBe(1);
    expect(r.fidelity?.weakProxy).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    reference.dispose();
  });
});
