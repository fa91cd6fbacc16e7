import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { inferPreprocessing, parseScale, readModelMetadata, sampleShapeFor, withScale } from './preprocessing';

describe('inferPreprocessing', () => {
  it.each([
    // [input shape, metadata, dtype, expected {kind, height, width, channels, scale, source}]
    [[null, 784], undefined, 'float32', { kind: 'image', height: 28, width: 28, channels: 1, scale: '0,1', source: 'inferred' }],
    [[null, 28, 28, 1], undefined, 'float32', { kind: 'image', height: 28, width: 28, channels: 1, scale: '0,1', source: 'inferred' }],
    [[null, 28, 28], undefined, 'float32', { kind: 'image', height: 28, width: 28, channels: 1, scale: '0,1', source: 'inferred' }],
    [[null, 3072], undefined, 'float32', { kind: 'image', height: 32, width: 32, channels: 3, scale: '0,1', source: 'inferred' }],
    [[null, 4], undefined, 'float32', { kind: 'image', height: 2, width: 2, channels: 1, scale: '0,1', source: 'inferred' }],
    [[null, 13], undefined, 'float32', { kind: 'features', height: 1, width: 13, channels: 1, scale: '0,1', source: 'inferred' }],
    [[-1, -1, -1, 3], undefined, 'int32', { kind: 'image', height: 224, width: 224, channels: 3, scale: '0,255', source: 'inferred' }],
    [[1, 192, 192, 3], undefined, 'int32', { kind: 'image', height: 192, width: 192, channels: 3, scale: '0,255', source: 'inferred' }],
    [[null, 224, 224, 3], { tmVersion: '2.4.7', labels: ['a', 'b'], imageSize: 224 }, 'float32',
      { kind: 'image', height: 224, width: 224, channels: 3, scale: '-1,1', source: 'metadata' }],
    [[null, 784], { pare: { labels: ['x'], preprocessing: { scale: [0, 1] } } }, 'float32',
      { kind: 'image', height: 28, width: 28, channels: 1, scale: '0,1', source: 'metadata' }],
    [[null, 12], { pare: { preprocessing: { height: 2, width: 2, channels: 3, scale: [-1, 1] } } }, 'float32',
      { kind: 'image', height: 2, width: 2, channels: 3, scale: '-1,1', source: 'metadata' }],
    [[null, null, null, 3], { pare: { preprocessing: { height: 96, width: 64, mean: [0.5], std: [0.5] } } }, 'float32',
      { kind: 'image', height: 96, width: 64, channels: 3, scale: { mean: [0.5], std: [0.5] }, source: 'metadata' }],
  ] as const)('%j with %j (%s)', (shape, meta, dtype, expected) => {
    const p = inferPreprocessing([...shape], meta, dtype);
    expect({ kind: p.kind, height: p.height, width: p.width, channels: p.channels, scale: p.scale, source: p.source }).toEqual(expected);
    expect(p.description.length).toBeGreaterThan(20);
  });

  it('describes itself in one sentence', () => {
    expect(inferPreprocessing([null, 784]).description).toBe(
      "Images are resized to 28x28, converted to grayscale and scaled to [0, 1] (inferred from the model's input shape; change it if the model was trained otherwise).",
    );
    expect(inferPreprocessing([null, 13]).description).toMatch(/^Inputs are 13 numeric features/);
    expect(withScale(inferPreprocessing([null, 8, 8, 3]), '-1,1').description).toBe(
      'Images are resized to 8x8, converted to RGB and scaled to [-1, 1] (as chosen).',
    );
  });

  it('refuses ranks and channel counts it cannot make images for', () => {
    expect(() => inferPreprocessing([null, 2, 2, 2, 2])).toThrow(PareError);
    expect(() => inferPreprocessing([null, 8, 8, 2])).toThrow(/has 2 channels/);
  });
});

describe('metadata', () => {
  it('reads scales in the forms people write', () => {
    expect(parseScale([0, 1])).toBe('0,1');
    expect(parseScale('[-1, 1]')).toBe('-1,1');
    expect(parseScale({ mean: [0.1, 0.2, 0.3], std: 0.5 })).toEqual({ mean: [0.1, 0.2, 0.3], std: [0.5] });
    expect(parseScale([0, 2])).toBeUndefined();
    expect(parseScale({ mean: [0], std: [0] })).toBeUndefined();
  });
  it('reads a scale written as a factor (and offset)', () => {
    expect(readModelMetadata({ pare: { preprocessing: { scale: 1 / 255 } } }).scale).toBe('0,1');
    expect(readModelMetadata({ pare: { preprocessing: { scale: 1 / 127.5, offset: -1 } } }).scale).toBe('-1,1');
    expect(readModelMetadata({ pare: { preprocessing: { scale: 0.5 } } }).scale).toBeUndefined();
  });
  it('finds labels in Pare and Teachable Machine metadata', () => {
    expect(readModelMetadata({ pare: { labels: ['a', 'b'] } }).labels).toEqual(['a', 'b']);
    expect(readModelMetadata({ tmVersion: '2', labels: ['c'] })).toMatchObject({ from: 'teachable-machine', labels: ['c'] });
    expect(readModelMetadata(undefined)).toEqual({ from: 'none' });
  });
});

describe('sampleShapeFor', () => {
  it('fills free dimensions and keeps the model layout', () => {
    expect(sampleShapeFor([null, 784], inferPreprocessing([null, 784]))).toEqual([784]);
    expect(sampleShapeFor([null, null, null, 3], inferPreprocessing([null, null, null, 3]))).toEqual([224, 224, 3]);
  });
  it('says when the preprocessing does not fit the input', () => {
    expect(() => sampleShapeFor([null, 100], inferPreprocessing([null, 784]))).toThrow(
      "The preprocessing makes 28x28x1 = 784 values per sample; the model's input shape [null, 100] takes 100.",
    );
  });
});
