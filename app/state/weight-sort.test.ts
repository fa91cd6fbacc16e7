import { describe, expect, it } from 'vitest';
import type { WeightInfo } from '../../src/model/types';
import { sortWeights, storedLabel } from './weight-sort';

function weight(name: string, shape: number[], extra: Partial<WeightInfo> = {}): WeightInfo {
  const params = shape.reduce((a, b) => a * b, 1);
  return {
    name,
    shape,
    dtype: 'float32',
    quantization: null,
    params,
    bytes: params * 4,
    owner: name.split('/')[0],
    ownerType: 'Dense',
    prunable: shape.length > 1,
    ...extra,
  };
}

const weights = [
  weight('dense_2/kernel', [100, 10]),
  weight('dense/kernel', [784, 300]),
  weight('dense/bias', [300]),
  weight('dense_10/bias', [10], { quantization: { dtype: 'uint8', scale: 0.1, min: -1 }, bytes: 10 }),
  weight('dense_1/kernel', [300, 100], { quantization: { dtype: 'float16' }, bytes: 60_000 }),
];

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('sortWeights', () => {
  it('keeps manifest order by index and numbers the rows', () => {
    const rows = sortWeights(weights, { key: 'index', direction: 'ascending' });
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(names(sortWeights(weights, { key: 'index', direction: 'descending' }))[0]).toBe('dense_1/kernel');
  });

  it('sorts names naturally (dense_2 before dense_10)', () => {
    expect(names(sortWeights(weights, { key: 'name', direction: 'ascending' }))).toEqual([
      'dense/bias',
      'dense/kernel',
      'dense_1/kernel',
      'dense_2/kernel',
      'dense_10/bias',
    ]);
  });

  it('sorts by params and bytes, biggest first when descending', () => {
    expect(names(sortWeights(weights, { key: 'params', direction: 'descending' }))).toEqual([
      'dense/kernel',
      'dense_1/kernel',
      'dense_2/kernel',
      'dense/bias',
      'dense_10/bias',
    ]);
    expect(names(sortWeights(weights, { key: 'bytes', direction: 'ascending' }))[0]).toBe('dense_10/bias');
  });

  it('sorts shapes by rank, then dimensions', () => {
    expect(names(sortWeights(weights, { key: 'shape', direction: 'ascending' }))).toEqual([
      'dense_10/bias',
      'dense/bias',
      'dense_2/kernel',
      'dense_1/kernel',
      'dense/kernel',
    ]);
  });

  it('breaks ties by manifest order in both directions', () => {
    const prunableFirst = sortWeights(weights, { key: 'prunable', direction: 'descending' });
    expect(names(prunableFirst)).toEqual([
      'dense_2/kernel',
      'dense/kernel',
      'dense_1/kernel',
      'dense/bias',
      'dense_10/bias',
    ]);
  });
});

describe('storedLabel', () => {
  it('names the stored form', () => {
    expect(storedLabel(weights[0])).toBe('float32');
    expect(storedLabel(weights[3])).toBe('uint8 (affine)');
    expect(storedLabel(weights[4])).toBe('float16');
  });
});
