/**
 * Property: folding a batch norm into the Dense (or 1x1 depthwise) layer before it computes the same function,
 * for any kernel, bias or none, gamma, beta, mean, positive variance and epsilon, with or without scale and center.
 * Checked in plain float64 arithmetic against the two layers applied one after the other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpenedModel } from '../model/types';
import type { WorkingModel, WorkingWeight } from '../recipe/working-model';
import { foldBatchNorms } from './fold-batchnorm';

const f32 = (n: number) => fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }).map(Math.fround);
const weight = (name: string, owner: string, ownerType: string, shape: number[], values: number[]): WorkingWeight => ({
  name, owner, ownerType, shape, dtype: 'float32', values: Float32Array.from(values), storedBytes: values.length * 4,
  prunable: name.endsWith('kernel'), masked: false, prune: { mode: 'none' },
});

describe('foldBatchNorms (property)', () => {
  it('Dense + BatchNormalization equals the folded Dense on any input', () => {
    const setup = fc.record({ inputs: fc.integer({ min: 1, max: 4 }), units: fc.integer({ min: 1, max: 5 }) }).chain(({ inputs, units }) =>
      fc.record({
        inputs: fc.constant(inputs),
        units: fc.constant(units),
        kernel: fc.array(f32(0), { minLength: inputs * units, maxLength: inputs * units }),
        bias: fc.option(fc.array(f32(0), { minLength: units, maxLength: units }), { nil: undefined }),
        gamma: fc.option(fc.array(f32(0), { minLength: units, maxLength: units }), { nil: undefined }),
        beta: fc.option(fc.array(f32(0), { minLength: units, maxLength: units }), { nil: undefined }),
        mean: fc.array(f32(0), { minLength: units, maxLength: units }),
        variance: fc.array(fc.float({ min: Math.fround(0.01), max: 9, noNaN: true }), { minLength: units, maxLength: units }),
        epsilon: fc.constantFrom(1e-3, 1e-5, 0.1),
        x: fc.array(f32(0), { minLength: inputs, maxLength: inputs }),
      }),
    );
    fc.assert(
      fc.property(setup, (s) => {
        const weights = [weight('d/kernel', 'd', 'Dense', [s.inputs, s.units], s.kernel)];
        if (s.bias) weights.push(weight('d/bias', 'd', 'Dense', [s.units], s.bias));
        if (s.gamma) weights.push(weight('bn/gamma', 'bn', 'BatchNormalization', [s.units], s.gamma));
        if (s.beta) weights.push(weight('bn/beta', 'bn', 'BatchNormalization', [s.units], s.beta));
        weights.push(weight('bn/moving_mean', 'bn', 'BatchNormalization', [s.units], s.mean));
        weights.push(weight('bn/moving_variance', 'bn', 'BatchNormalization', [s.units], s.variance));
        const topology = {
          class_name: 'Sequential',
          config: {
            name: 'p',
            layers: [
              { class_name: 'Dense', config: { name: 'd', units: s.units, use_bias: !!s.bias, activation: 'linear', batch_input_shape: [null, s.inputs] } },
              { class_name: 'BatchNormalization', config: { name: 'bn', axis: -1, epsilon: s.epsilon, scale: !!s.gamma, center: !!s.beta } },
            ],
          },
        };
        const model: WorkingModel = { source: {} as OpenedModel, format: 'layers-model', modelTopology: topology, weights, warnings: [] };
        const { model: folded, folded: pairs } = foldBatchNorms(model);
        expect(pairs).toEqual([{ batchNorm: 'bn', into: 'd', biasAdded: !s.bias }]);
        expect((folded.modelTopology as typeof topology).config.layers.map((l) => l.class_name)).toEqual(['Dense']);
        const k = folded.weights.find((w) => w.name === 'd/kernel')!.values;
        const b = folded.weights.find((w) => w.name === 'd/bias')!.values;
        for (let c = 0; c < s.units; c++) {
          let z = s.bias ? s.bias[c]! : 0;
          let zf = b[c]!;
          for (let i = 0; i < s.inputs; i++) {
            z += s.x[i]! * s.kernel[i * s.units + c]!;
            zf += s.x[i]! * k[i * s.units + c]!;
          }
          const expected = ((z - s.mean[c]!) / Math.sqrt(s.variance[c]! + s.epsilon)) * (s.gamma ? s.gamma[c]! : 1) + (s.beta ? s.beta[c]! : 0);
          // float32 rounding of the folded kernel and bias: relative to the size of the terms involved.
          const scale = 1 + Math.abs(expected) + Math.abs(zf) + s.x.reduce((n, v, i) => n + Math.abs(v * k[i * s.units + c]!), 0);
          expect(Math.abs(zf - expected)).toBeLessThan(1e-5 * scale);
        }
        // The input's arrays are never written.
        expect(Array.from(weights[0]!.values)).toEqual(s.kernel);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
