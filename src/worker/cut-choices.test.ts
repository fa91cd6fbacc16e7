/**
 * Cut choices on published graph models (@vladmandic/human's, laid out by scripts/prepare-fixtures.mjs): a
 * one-input, one-output classifier offers its op nodes with shapes and the classifier's input as the default; a
 * detector with several outputs is refused with a sentence that says why.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openModel } from '../formats';
import { cutChoices } from './cut-choices';

const fixture = (dir: string) => {
  const folder = join(process.cwd(), '.fixtures', 'real', dir);
  return openModel(readdirSync(folder).map((name) => ({ name, data: new Uint8Array(readFileSync(join(folder, name))) })));
};

beforeAll(async () => {
  await useBackend('wasm');
});

describe('cut choices of graph models', () => {
  it('offers the emotion classifier its op nodes, the input of its classifier marked as the default', { timeout: 60_000 }, async () => {
    const { choices, defaultCut } = await cutChoices(await fixture('human-emotion'));
    expect(defaultCut).toBe('StatefulPartitionedCall/model_1/add_2/add');
    expect(choices.filter((c) => c.isDefault).map((c) => c.name)).toEqual([defaultCut]);
    expect(choices.map((c) => c.name)).toContain('StatefulPartitionedCall/model_1/global_average_pooling2d_1/Mean');
    expect(choices.every((c) => c.shape[0] === null && c.shape.length >= 2)).toBe(true);
  });

  it('runs an int32-input graph (MoveNet) with int32 inputs to find its shapes', { timeout: 60_000 }, async () => {
    // It used to fail with TF.js's "must be int32, but was float32" while listing the nodes.
    const { choices, defaultCut } = await cutChoices(await fixture('human-movenet-lightning'));
    expect(choices.length).toBeGreaterThan(10);
    expect(choices.filter((c) => c.isDefault).map((c) => c.name)).toEqual([defaultCut]);
  });

  it('refuses a detector with four outputs, saying a new head needs one input and one output', { timeout: 60_000 }, async () => {
    await expect(cutChoices(await fixture('human-blazeface'))).rejects.toMatchObject({
      code: 'unsupported',
      message: 'This graph model has 1 input and 4 outputs; a new head can be put only on a graph with one of each, so new classes cannot be taught to it.',
    });
  });
});
