import { describe, expect, it } from 'vitest';
import { runPare } from './testing/run-pare';

const TRAIN = ['/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz', '/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz'];

describe('pare sensitivity', () => {
  it('prints a row per prunable tensor, most sensitive first, with the settings asked for', async () => {
    const r = await runPare('sensitivity', 'public/samples/fashion-mlp', '--data', ...TRAIN, '--samples', '64', '--sparsities', '0.9', '--bits', '2', '--json');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out) as { data: string; rows: { tensor: string; score: number; points: { setting: unknown }[] }[] };
    expect(s.data).toContain('samples 1–64 of 60,000 images');
    expect(s.rows.map((row) => row.tensor).sort()).toEqual(['fc1/kernel', 'fc2/kernel', 'fc3/kernel']);
    const scores = s.rows.map((row) => row.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(s.rows[0]!.points.map((p) => p.setting)).toEqual([{ kind: 'prune', sparsity: 0.9 }, { kind: 'quantize', bits: 2 }]);
  }, 60_000);

  it('asks for data', async () => {
    const r = await runPare('sensitivity', 'public/samples/fashion-mlp');
    expect(r.status).toBe(2);
    expect(r.err).toContain("'pare sensitivity' needs --data <path...>");
  });
});
