import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import type { InputFile } from '../model/types';
import { setupBackends } from '../runtime';
import { nodeWasmFolder } from '../runtime/node-wasm';
import { createStudioApi } from './studio-api';

const real = join(process.cwd(), '.fixtures', 'real');

function fixture(dir: string, only?: (name: string) => boolean): InputFile[] {
  return readdirSync(join(real, dir))
    .filter((name) => only?.(name) ?? true)
    .map((name) => ({ name: `${dir}/${name}`, data: new Uint8Array(readFileSync(join(real, dir, name))) }));
}

// The same wiring as studio.worker.ts, with the binaries from node_modules instead of Vite URLs.
function studio() {
  return createStudioApi({ runtime: () => setupBackends({ wasmPaths: nodeWasmFolder() }), openModel, inventoryOf });
}

describe('the studio API over the real core', () => {
  it('reports the runtime it set up', async () => {
    const info = await studio().api.runtime();
    expect(info.active).toBe('wasm');
    expect(info.wasm.binary).toBe('simd');
  });

  it('opens a real layers model, keeps it by id and returns its inventory', async () => {
    const { api, models } = studio();
    const ref = await api.openModel(fixture('nsfwjs-mobilenet-v2'));
    expect(ref.inventory.format).toBe('layers-model');
    expect(ref.inventory.params).toBe(2_619_461);
    expect(models.get(ref.id)?.weights.length).toBe(ref.inventory.weights.length);

    const second = await api.openModel(fixture('human-emotion'));
    expect(second.id).not.toBe(ref.id);
    expect(second.inventory.format).toBe('graph-model');
    expect(models.size).toBe(2);

    await api.closeModel(ref.id);
    expect([...models.keys()]).toEqual([second.id]);
    await api.closeModel('no-such-model'); // ignored
    expect(models.size).toBe(1);
  });

  it('throws the core PareError for a broken model and keeps nothing', async () => {
    const { api, models } = studio();
    const error = await api.openModel(fixture('nsfwjs-mobilenet-v2', (n) => n === 'model.json')).catch((e) => e);
    expect(error).toMatchObject({ name: 'PareError', code: 'missing-shard' });
    expect(error.message).toContain('group1-shard1of1');
    expect(models.size).toBe(0);
  });
});
