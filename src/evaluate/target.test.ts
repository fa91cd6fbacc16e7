import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { dataTargetFor } from './target';
import { FIXTURES } from './testing/load-fixture';

const dir = (name: string) =>
  ['emotion.json', 'emotion.bin'].map((f) => ({ name: f, data: new Uint8Array(readFileSync(join(FIXTURES, name, f))) }));

describe('dataTargetFor', () => {
  it("states the input of a real graph model (human-emotion: [-1, 64, 64, 1], 7 classes)", async () => {
    const model = await openModel(dir('human-emotion'));
    const t = dataTargetFor(model);
    expect(t.inputShape).toEqual([null, 64, 64, 1]);
    expect(t.preprocessing).toMatchObject({ kind: 'image', height: 64, width: 64, channels: 1, scale: '0,1', source: 'inferred' });
    expect(t.numClasses).toBe(7);
  });

  it("uses Pare's metadata and labels, and Teachable Machine's [-1, 1]", () => {
    const base = {
      inputs: [{ name: 'x', shape: [null, 28, 28, 1], dtype: 'float32' }],
      outputs: [{ name: 'y', shape: [null, 3], dtype: 'float32' }],
      labels: ['a', 'b', 'c'],
      reader: 'tfjs-layers',
      artifacts: { userDefinedMetadata: { pare: { labels: ['a', 'b', 'c'], preprocessing: { scale: [-1, 1] } } } },
    };
    const t = dataTargetFor(base);
    expect(t.modelLabels).toEqual(['a', 'b', 'c']);
    expect(t.preprocessing).toMatchObject({ scale: '-1,1', source: 'metadata' });
    const tm = dataTargetFor({ ...base, reader: 'teachable-machine', artifacts: {}, inputs: [{ name: 'x', shape: [null, 224, 224, 3], dtype: 'float32' }] });
    expect(tm.preprocessing).toMatchObject({ height: 224, channels: 3, scale: '-1,1', source: 'metadata' });
  });
});
