/**
 * Hostile and broken containers (issue 12, "zip bombs" and "corrupt zips"): each row builds one in memory and
 * expects its own error code and a message naming the archive and the entry. Budgets are configured small, so
 * no test allocates more than a few megabytes.
 */
import { describe, expect, it } from 'vitest';
import { gzipSync, zipSync } from 'fflate';
import { PareError, type PareErrorCode } from '../errors';
import type { InputFile } from '../model/types';
import { crc32 } from './crc32';
import type { UnpackLimits } from './limits';
import { deflatedZeros, gzipWithTrailer } from './testing/hostile';
import { entry, writeZip, type RawEntry } from './testing/zip-writer';
import { unpackDrop } from './unpack';

const MiB = 1024 * 1024;
const zipFile = (name: string, data: Uint8Array): InputFile => ({ name, data });
const text = (s: string) => new TextEncoder().encode(s);

/** An entry that claims `size` unpacked bytes but holds `megabytes` MiB of deflated zeros. */
function lyingEntry(name: string, megabytes: number, size: number): RawEntry {
  return { name, stored: deflatedZeros(megabytes), method: 8, crc: 0, size };
}

interface Case {
  name: string;
  files: () => InputFile[];
  limits?: Partial<UnpackLimits>;
  code: PareErrorCode;
  says: string[];
  file: string;
}

const cases: Case[] = [
  {
    name: 'declared sizes past the budget, refused before inflating',
    files: () => [zipFile('big.zip', writeZip([entry('a.bin', new Uint8Array(3000)), entry('b.bin', new Uint8Array(3000))]))],
    limits: { maxBytes: 5000 },
    code: 'too-large',
    says: ["Entry 'b.bin' in 'big.zip' declares 3,000 bytes", 'after 3,000 bytes already unpacked', 'at most 5,000 bytes'],
    file: 'big.zip',
  },
  {
    name: 'one entry alone past the budget',
    files: () => [zipFile('one.zip', writeZip([entry('w/shard.bin', new Uint8Array(9000))]))],
    limits: { maxBytes: 8000 },
    code: 'too-large',
    says: ["'w/shard.bin'", "'one.zip'", '9,000 bytes'],
    file: 'one.zip',
  },
  {
    name: 'an entry that inflates far past the size it declares',
    files: () => [zipFile('liar.zip', writeZip([lyingEntry('model.json', 8, 100)]))],
    code: 'zip-bomb',
    says: ["Entry 'model.json' in 'liar.zip' inflates past the 100 bytes it declares"],
    file: 'liar.zip',
  },
  {
    name: 'many directory records over one stream (overlap)',
    files: () => {
      const shared = entry('a.bin', new Uint8Array(2000));
      const records = ['a.bin', 'b.bin', 'c.bin'].map((name) => ({ entry: { ...shared, name }, local: 0 }));
      return [zipFile('overlap.zip', writeZip([shared], records))];
    },
    code: 'zip-overlap',
    says: ["'a.bin' and 'b.bin' in 'overlap.zip' share bytes"],
    file: 'overlap.zip',
  },
  {
    name: "an entry whose compressed bytes run over the next entry's header",
    files: () => {
      const a = entry('a.txt', 'first');
      const b = entry('b.txt', 'second');
      return [zipFile('quoted.zip', writeZip([{ ...a, compressedSize: a.stored.length + 40 }, b]))];
    },
    code: 'zip-overlap',
    says: ["'a.txt' and 'b.txt'", "'quoted.zip'"],
    file: 'quoted.zip',
  },
  {
    name: 'nested zips deeper than the limit',
    files: () => {
      let inner = zipSync({ 'model.json': text('{}') });
      for (const name of ['c.zip', 'b.zip']) inner = zipSync({ [name]: inner });
      return [zipFile('a.zip', inner)];
    },
    limits: { maxDepth: 2 },
    code: 'zip-nesting',
    says: ["'c.zip' is an archive nested 3 deep ('c.zip' in 'b.zip' in 'a.zip')", 'at most 2 deep'],
    file: 'a.zip',
  },
  {
    name: 'a flipped byte in a stored shard (CRC mismatch)',
    files: () => {
      const e = entry('m/group1-shard1of1.bin', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 0);
      const stored = e.stored.slice();
      stored[3] ^= 0xff;
      return [zipFile('flipped.zip', writeZip([{ ...e, stored }]))];
    },
    code: 'bad-crc',
    says: ["Entry 'm/group1-shard1of1.bin' in 'flipped.zip' is damaged", `the archive records 0x${crc32(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])).toString(16).padStart(8, '0')}`],
    file: 'flipped.zip',
  },
  {
    name: 'a size beyond what deflate can produce',
    files: () => [zipFile('absurd.zip', writeZip([{ ...entry('x.bin', 'tiny'), size: 0xfffffff0 }]))],
    code: 'bad-zip-size',
    says: ["Entry 'x.bin' in 'absurd.zip' declares 4,294,967,280 bytes unpacked from", 'deflate cannot expand data more than 1,032 times'],
    file: 'absurd.zip',
  },
  {
    name: 'a compressed size past the end of the archive',
    files: () => [zipFile('long.zip', writeZip([{ ...entry('x.bin', 'tiny'), compressedSize: 1_000_000 }]))],
    code: 'bad-zip-size',
    says: ["Entry 'x.bin' in 'long.zip' declares 1,000,000 bytes compressed"],
    file: 'long.zip',
  },
  {
    name: 'a stored entry whose two sizes differ',
    files: () => [zipFile('stored.zip', writeZip([{ ...entry('x.bin', 'abc', 0), size: 3000 }]))],
    code: 'bad-zip-size',
    says: ["Entry 'x.bin' in 'stored.zip' is stored uncompressed yet declares 3 bytes stored and 3,000 bytes unpacked"],
    file: 'stored.zip',
  },
  {
    name: "an entry name climbing out with '..'",
    files: () => [zipFile('evil.zip', writeZip([entry('../../etc/passwd', 'root')]))],
    code: 'unsafe-path',
    says: ["Entry '../../etc/passwd' in 'evil.zip' climbs out of the archive's folder with '..'"],
    file: 'evil.zip',
  },
  {
    name: 'an absolute entry name',
    files: () => [zipFile('abs.zip', writeZip([entry('/etc/passwd', 'root')]))],
    code: 'unsafe-path',
    says: ["Entry '/etc/passwd' in 'abs.zip' has an absolute path"],
    file: 'abs.zip',
  },
  {
    name: 'not a zip at all, though named one',
    files: () => [zipFile('model.zip', new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9, 9, 9, 9]))],
    code: 'bad-zip',
    says: ["'model.zip' is not a readable zip archive (no end-of-central-directory record)"],
    file: 'model.zip',
  },
  {
    name: 'a broken deflate stream',
    files: () => [zipFile('broken.zip', writeZip([{ ...entry('x.bin', new Uint8Array(500).fill(7)), stored: new Uint8Array([0xff, 0xff, 0xff, 0xff]) }]))],
    code: 'bad-zip',
    says: ["Entry 'x.bin' in 'broken.zip' cannot be unpacked"],
    file: 'broken.zip',
  },
  {
    name: 'an encrypted entry',
    files: () => [zipFile('secret.zip', writeZip([{ ...entry('model.json', '{}'), flags: 1 }]))],
    code: 'unsupported',
    says: ["Entry 'model.json' in 'secret.zip' is encrypted"],
    file: 'secret.zip',
  },
  {
    name: 'a gzip file whose trailer understates its size',
    files: () => [zipFile('t10k-images.gz', gzipWithTrailer(new Uint8Array(4 * MiB), { size: 1000 }))],
    code: 'zip-bomb',
    says: ["'t10k-images.gz' inflates past the 1,000 bytes its trailer records"],
    file: 't10k-images.gz',
  },
  {
    name: 'a gzip file past the budget',
    files: () => [zipFile('data.csv.gz', gzipSync(new Uint8Array(6000)))],
    limits: { maxBytes: 5000 },
    code: 'too-large',
    says: ["Entry 'data.csv' in 'data.csv.gz' declares 6,000 bytes"],
    file: 'data.csv.gz',
  },
  {
    name: 'a gzip file with a wrong CRC',
    files: () => [zipFile('labels.gz', gzipWithTrailer(text('0123456789'), { crc: 0x1234 }))],
    code: 'bad-crc',
    says: ["'labels.gz' is damaged", 'the file records 0x00001234'],
    file: 'labels.gz',
  },
  {
    name: 'zip bombs share one budget across nested archives',
    files: () => {
      const inner = zipSync({ 'a.bin': new Uint8Array(3000) });
      return [zipFile('outer.zip', zipSync({ 'one/inner.zip': inner, 'two/inner.zip': inner }))];
    },
    limits: { maxBytes: 6000 },
    code: 'too-large',
    says: ["Entry 'a.bin' in 'two/inner.zip' declares 3,000 bytes", 'already unpacked'],
    file: 'two/inner.zip',
  },
];

describe('hostile and broken archives', () => {
  it('every row is a different case', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(`${c.name} -> ${c.code}`, () => {
      let error: unknown = null;
      try {
        unpackDrop(c.files(), c.limits);
      } catch (e) {
        error = e;
      }
      expect(error, 'should be refused').toBeInstanceOf(PareError);
      const e = error as PareError;
      expect({ code: e.code, message: e.message }).toMatchObject({ code: c.code });
      for (const fragment of c.says) expect(e.message).toContain(fragment);
      expect(e.file).toBe(c.file);
      expect(e.message).toMatch(/\.$/);
    });
  }

  it('stops inflating a lying entry long before its real size', () => {
    // 96 MiB of zeros behind a declared 100 bytes: inflation must stop within the first slice's output.
    const zip = writeZip([lyingEntry('bomb.bin', 96, 100)]);
    expect(zip.length).toBeLessThan(200 * 1024);
    const started = performance.now();
    const error = (() => {
      try {
        unpackDrop([zipFile('bomb.zip', zip)]);
      } catch (e) {
        return e as PareError;
      }
      return null;
    })();
    expect(error?.code).toBe('zip-bomb');
    const stoppedAt = Number(/stopped at ([\d,]+) bytes/.exec(error!.message)![1].replace(/,/g, ''));
    expect(stoppedAt).toBeGreaterThan(100);
    expect(stoppedAt).toBeLessThan(32 * MiB);
    // Not a timing assertion of speed, a guard against inflating all 256 MiB: that takes seconds, this far less.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('names with terminal escapes are shown escaped', () => {
    const zip = writeZip([entry('\u001b[2J/../x', 'x')]);
    expect(() => unpackDrop([zipFile('esc.zip', zip)])).toThrow("Entry '\\x1b[2J/../x' in 'esc.zip'");
  });

  it('a 10,000-character entry name is shortened in the message', () => {
    const long = 'a'.repeat(10_000) + '/../x';
    try {
      unpackDrop([zipFile('long-name.zip', writeZip([entry(long, 'x')]))]);
      expect.unreachable();
    } catch (e) {
      expect((e as PareError).code).toBe('unsafe-path');
      expect((e as PareError).message.length).toBeLessThan(400);
      expect((e as PareError).message).toContain('…');
    }
  });
});
