import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataFingerprint } from './fingerprint';

const file = (name: string, text: string) => ({ name, data: new TextEncoder().encode(text) });

describe('dataFingerprint', () => {
  const files = [file('b/2.png', 'two'), file('a/1.png', 'one')];

  it('is SHA-256 over names, lengths and content digests in name order, and the reading settings', async () => {
    const digest = (t: string) => createHash('sha256').update(t).digest('hex');
    const summary = JSON.stringify({ files: [['a/1.png', 3, digest('one')], ['b/2.png', 3, digest('two')]], reading: { scale: [0, 1] } });
    expect(await dataFingerprint(files, { scale: [0, 1] })).toBe(`sha256:${digest(summary)}`);
  });

  it('does not depend on the order files were dropped in, and changes with any byte, name or setting', async () => {
    const base = await dataFingerprint(files, { scale: [0, 1] });
    expect(await dataFingerprint([...files].reverse(), { scale: [0, 1] })).toBe(base);
    const others = await Promise.all([
      dataFingerprint([file('b/2.png', 'twO'), files[1]!], { scale: [0, 1] }),
      dataFingerprint([file('c/2.png', 'two'), files[1]!], { scale: [0, 1] }),
      dataFingerprint(files, { scale: [-1, 1] }),
      dataFingerprint(files, null),
      dataFingerprint(files.slice(1), { scale: [0, 1] }),
    ]);
    expect(new Set([base, ...others]).size).toBe(6);
  });
});
