import { describe, expect, it } from 'vitest';
import { inMemoryDataset, type Dataset } from './dataset';
import { withoutFirst } from './dataset-slice';

const base = () =>
  inMemoryDataset({
    kind: 'csv',
    sampleShape: [2],
    classNames: ['a', 'b'],
    classSource: 'data',
    labelled: true,
    preprocessing: null,
    skipped: [],
    description: '5 rows of 2 features from \'t.csv\'.',
    inputs: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]),
    labels: Int32Array.from([0, 1, 0, 1, 0]),
  });

describe('withoutFirst', () => {
  it('drops the first samples from batches, arrays, size and says so in the description', async () => {
    const view = withoutFirst(base(), 2);
    expect(view.size).toBe(3);
    expect([...view.inputs!]).toEqual([2, 2, 3, 3, 4, 4]);
    expect([...view.labels!]).toEqual([0, 1, 0]);
    const b = await view.batch(1, 10);
    expect(b.count).toBe(2);
    expect([...b.inputs]).toEqual([3, 3, 4, 4]);
    expect(view.description).toBe("3 of 5 rows of 2 features from 't.csv'; the first 2 samples calibrate and are not measured.");
  });

  it('reads a lazy data set through to its parent at the offset', async () => {
    const asked: [number, number][] = [];
    const lazy: Dataset = { ...base(), inputs: null, labels: null, batch: async (s, e) => (asked.push([s, e]), base().batch(s, e)) };
    await withoutFirst(lazy, 3).batch(0, 2);
    expect(asked).toEqual([[3, 5]]);
  });

  it('is the data set itself for 0 and leaves nothing past its size', () => {
    const d = base();
    expect(withoutFirst(d, 0)).toBe(d);
    expect(withoutFirst(d, 9).size).toBe(0);
  });
});
