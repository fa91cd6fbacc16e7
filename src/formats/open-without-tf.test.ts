/**
 * Opening a layers model too large for the stock build loads no TF.js: its layer classes are checked against the
 * list of stock classes (stock-layer-classes.ts), which was all TF.js was loaded for. This file imports nothing that
 * imports TF.js statically, and vitest runs each test file in a process of its own, so TF.js's engine global tells
 * whether opening loaded it.
 */
import { describe, expect, it } from 'vitest';
import type { InputFile } from '../model/types';
import { openModel } from './index';
import { STOCK_BUILD_MAX_PARAMS } from './stock-check';

/** A Dense model past the stock build's size, stored as uint8 (a quarter of the float32 bytes; decoded lazily). */
function largeModel(className: string, large = true): InputFile[] {
  const units = large ? 4100 : 8;
  const inputs = large ? Math.ceil(STOCK_BUILD_MAX_PARAMS / units) + 1 : 4;
  const weights = [
    { name: 'big/kernel', shape: [inputs, units], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.01, min: -1.28 } },
    { name: 'big/bias', shape: [units], dtype: 'float32' },
  ];
  const layers = [{ class_name: className, config: { name: 'big', units, activation: 'linear', use_bias: true, batch_input_shape: [null, inputs], dtype: 'float32' } }];
  const shard = new Uint8Array(inputs * units + units * 4);
  const modelJson = {
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 'large', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return [
    { name: 'model.json', data: new TextEncoder().encode(JSON.stringify(modelJson)) },
    { name: 'group1-shard1of1.bin', data: shard },
  ];
}

const tfLoaded = () => (globalThis as { _tfengine?: unknown })._tfengine !== undefined;

describe('opening a layers model past the stock build size', () => {
  it('checks its classes without loading TF.js', async () => {
    expect(tfLoaded()).toBe(false);
    const model = await openModel(largeModel('Dense'));
    expect(model.weights[0]!.shape[0]! * model.weights[0]!.shape[1]!).toBeGreaterThan(STOCK_BUILD_MAX_PARAMS);
    expect(tfLoaded()).toBe(false);
  });

  it('asks TF.js itself about a class not on the list, and refuses it as before', async () => {
    const refusal = await openModel(largeModel('NoSuchLayer')).catch((e: unknown) => e);
    expect(tfLoaded()).toBe(true);
    expect(refusal).toMatchObject({ message: expect.stringContaining('NoSuchLayer') });
    const small = await openModel(largeModel('NoSuchLayer', false)).catch((e: unknown) => e);
    expect((refusal as Error).message).toBe((small as Error).message);
    expect((refusal as { code: string }).code).toBe((small as { code: string }).code);
  });
});
