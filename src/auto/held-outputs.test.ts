/**
 * The outputs a fidelity target is held on: @vladmandic/human's blazeface (four outputs) stored at 4 bits against the
 * original on views of a real Debian photo, and the sample MLP (one output) for a layers model's names.
 */
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openSample } from '../calibrate/testing/fashion';
import type { Dataset } from '../evaluate/dataset';
import { evaluateModel } from '../evaluate/evaluate';
import { blazefaceAndItself4Bit } from '../evaluate/testing/blazeface-4bit';
import { loadTfModel } from '../model/load-tf';
import { heldFidelity, heldOutputIndices } from './held-outputs';
import { searchRecipe } from './search';

let original: tf.GraphModel;
let quantized: tf.GraphModel;
let photos: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  ({ original, quantized, photos } = await blazefaceAndItself4Bit());
});

describe('held outputs', () => {
  it("finds outputs by name, with or without ':0', and holds the target on the worst of those alone", async () => {
    expect(heldOutputIndices(original, ['Identity_1', 'Identity:0'])).toEqual([2, 1]);
    const every = (await evaluateModel(quantized, photos, { reference: original, everyOutput: true })).fidelity!;
    const cosines = every.outputs!.map((o) => o.cosine);
    const best = cosines.indexOf(Math.max(...cosines));
    // One output alone: its own figures, better than the worst of all four that the default holds the target on.
    expect(heldFidelity(every, [best])).toEqual({ agreement: every.outputs![best]!.agreement, cosine: cosines[best] });
    expect(heldFidelity(every, [best]).cosine).toBeGreaterThan(every.cosine);
    expect(heldFidelity(every, [0, 1, 2, 3]).cosine).toBe(every.cosine);
  }, 60_000);

  it('says which outputs the model has when a name is not one of them, before the search measures anything', async () => {
    expect(() => heldOutputIndices(original, ['Identity_9'])).toThrow("The model has no output 'Identity_9'; its outputs are 'Identity_3', 'Identity', 'Identity_1', 'Identity_2'.");
    const mlp = await openSample('fashion-mlp');
    const m = (await loadTfModel(mlp.artifacts, mlp.format)) as tf.LayersModel;
    expect(heldOutputIndices(m, ['fc3'])).toEqual([0]);
    m.dispose();
    const data = { calibration: { fingerprint: 'f', dataset: photos }, validation: photos };
    await expect(searchRecipe(mlp, data, { kind: 'min-cosine', value: 0.99 }, { outputs: ['boxes'] })).rejects.toThrow("The model has no output 'boxes'");
  });
});
