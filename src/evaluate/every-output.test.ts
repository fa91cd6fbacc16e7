/**
 * Fidelity over every output of a detector: @vladmandic/human's blazeface (four outputs: two box regressors and two
 * score heads, batch 1) stored at 4 bits against the original, on views of a real Debian photo. With
 * `everyOutput`, each output is compared on its own and the worst one is reported; without it, only the first is
 * measured, with a note saying so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import type { AnyModel } from './run-model';
import type { Dataset } from './dataset';
import { evaluateModel } from './evaluate';
import { blazefaceAndItself4Bit } from './testing/blazeface-4bit';

let original: AnyModel;
let quantized: AnyModel;
let photos: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  ({ original, quantized, photos } = await blazefaceAndItself4Bit());
});

describe('evaluateModel with everyOutput', () => {
  it('compares each output on its own and reports the worst', async () => {
    const every = (await evaluateModel(quantized, photos, { reference: original, everyOutput: true })).fidelity!;
    expect(every.samples).toBe(7);
    const outputs = every.outputs!;
    expect(outputs).toHaveLength(4);
    const cosines = outputs.map((o) => o.cosine);
    expect(every.cosine).toBe(Math.min(...cosines));
    expect(every.relativeError).toBe(Math.max(...outputs.map((o) => o.relativeError)));
    // 4 bits hurt the heads unequally: a single figure from the first output alone would hide the worst.
    expect(Math.max(...cosines) - Math.min(...cosines)).toBeGreaterThan(1e-4);
    for (const c of cosines) expect(c).toBeLessThan(1);

    const first = await evaluateModel(quantized, photos, { reference: original });
    expect(first.fidelity!.cosine).toBeCloseTo(cosines[0]!, 10);
    expect(first.fidelity!.outputs).toBeUndefined();
    expect(first.warnings.map((w) => w.message)).toContain('The model has 4 outputs; only the first is measured.');
    const self = (await evaluateModel(original, photos, { reference: original, everyOutput: true })).fidelity!;
    expect(self.cosine).toBeCloseTo(1, 6);
  }, 60_000);
});
