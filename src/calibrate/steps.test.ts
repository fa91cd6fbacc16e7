import { describe, expect, it } from 'vitest';
import { obsPrune, obsPruneSteps } from '../prune/obs';
import { gptqCodes, gptqCodesSteps } from '../quantize/gptq';
import { seededRandom } from '../seeded-random';
import { runSteps, runStepsPausing } from './steps';

function layer(dIn: number, dOut: number, samples: number) {
  const random = seededRandom(7);
  const kernel = Float32Array.from({ length: dIn * dOut }, () => random() - 0.5);
  const x = Float64Array.from({ length: samples * dIn }, () => random());
  const gram = new Float64Array(dIn * dIn);
  for (let s = 0; s < samples; s++) for (let i = 0; i < dIn; i++) for (let j = 0; j < dIn; j++) gram[i * dIn + j] += x[s * dIn + i]! * x[s * dIn + j]!;
  return { kernel, gram };
}

describe('kernels as steps', () => {
  const dIn = 24;
  const dOut = 5;
  const { kernel, gram } = layer(dIn, dOut, 64);

  it('give the same result run at once and run with pauses, pausing at least once per input', async () => {
    let pauses = 0;
    const pause = async () => void pauses++;
    expect(await runStepsPausing(obsPruneSteps(kernel, dIn, dOut, gram, 0.5), pause)).toEqual(obsPrune(kernel, dIn, dOut, gram, 0.5));
    expect(pauses).toBeGreaterThanOrEqual(dIn);
    const grid = { scale: 1 / 15, min: -0.5, bits: 4 };
    expect(await runStepsPausing(gptqCodesSteps(kernel, dIn, dOut, gram, grid), pause)).toEqual(gptqCodes(kernel, dIn, dOut, gram, grid));
  });

  it('stop at the pause that throws, and do no more work', async () => {
    let pauses = 0;
    const stop = new Error('cancelled');
    const pause = async () => {
      if (++pauses === 3) throw stop;
    };
    await expect(runStepsPausing(obsPruneSteps(kernel, dIn, dOut, gram, 0.5), pause)).rejects.toBe(stop);
    expect(pauses).toBe(3);
  });

  it('runSteps returns what the generator returns', () => {
    function* twice(): Generator<void, number, void> {
      yield;
      yield;
      return 2;
    }
    expect(runSteps(twice())).toBe(2);
  });
});
