/**
 * Hostile archives dropped in the studio (issue 12): the worker API refuses each with its code and the entry,
 * keeps nothing of it, and the same session then opens a model and its zipped data as usual.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeIdx } from '../data/idx';
import { deflatedZeros } from '../files/testing/hostile';
import { entry, writeZip } from '../files/testing/zip-writer';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import type { InputFile } from '../model/types';
import { setupBackends } from '../runtime';
import { nodeWasmFolder } from '../runtime/node-wasm';
import { createStudioApi } from './studio-api';

const MLP = join(process.cwd(), 'public/samples/fashion-mlp');
const mlpFiles = (): InputFile[] =>
  readdirSync(MLP).map((name) => ({ name: `fashion-mlp/${name}`, data: new Uint8Array(readFileSync(join(MLP, name))) }));

describe('hostile archives in the studio', () => {
  it('refuses a zip bomb, a shared-stream zip and a traversal zip, then opens a model and zipped data', { timeout: 60_000 }, async () => {
    const { api, models } = createStudioApi({ runtime: () => setupBackends({ wasmPaths: nodeWasmFolder() }), openModel, inventoryOf });
    const shared = entry('m/group1-shard1of1.bin', new Uint8Array(4000));
    const hostile: [InputFile, string, string][] = [
      [
        { name: 'bomb.zip', data: writeZip([entry('m/model.json', '{}'), { name: 'm/w.bin', stored: deflatedZeros(8), method: 8, crc: 0, size: 64 }]) },
        'zip-bomb',
        "Entry 'm/w.bin' in 'bomb.zip'",
      ],
      [{ name: 'shared.zip', data: writeZip([shared], [0, 1].map((i) => ({ entry: { ...shared, name: `m/${i}.bin` }, local: 0 }))) }, 'zip-overlap', "'shared.zip'"],
      [{ name: 'evil.zip', data: writeZip([entry('../model.json', '{}')]) }, 'unsafe-path', "Entry '../model.json' in 'evil.zip'"],
    ];
    for (const [file, code, says] of hostile) {
      const error = await api.openModel([file]).catch((e) => e);
      expect(error).toMatchObject({ name: 'PareError', code, file: file.name });
      expect(error.message).toContain(says);
    }
    expect(models.size).toBe(0);

    const model = await api.openModel([{ name: 'fashion-mlp.zip', data: zipSync(Object.fromEntries(mlpFiles().map((f) => [f.name, f.data]))) }]);
    expect(model.inventory.sourceName).toBe('fashion-mlp');
    const pixels = new Uint8Array(4 * 784).map((_, i) => (i * 7) % 256);
    const data = zipSync({
      'images-idx3-ubyte.gz': writeIdx([4, 28, 28], pixels, { gzip: true }),
      'labels-idx1-ubyte.gz': writeIdx([4], new Uint8Array([0, 1, 2, 3]), { gzip: true }),
    });
    const ref = await api.openData(model.id, [{ name: 'set.zip', data }]);
    expect(ref.summary).toMatchObject({ kind: 'idx', size: 4, labelled: true });
  });
});
