import { afterEach, describe, expect, it } from 'vitest';
import { expose } from 'comlink';
import { PareError } from '../src/errors';
import type { InputFile } from '../src/model/types';
import type { DataRef, OpenedModelRef, Recipe, RuntimeInfo, StudioApi, VariantRef } from '../src/worker/api';
import { sendErrorDetails } from '../src/worker/error-transfer';
import { createWorkerClient, type WorkerLike } from './worker-client';

/** A "worker" in the same process: Comlink over a real MessageChannel, with Worker's error event and terminate. */
class ChannelWorker implements WorkerLike {
  readonly events = new EventTarget();
  readonly channel = new MessageChannel();
  terminated = false;
  constructor(api: StudioApi) {
    expose(api, this.channel.port1);
  }
  postMessage(message: unknown, transfer: Transferable[]): void {
    this.channel.port2.postMessage(message, transfer);
  }
  addEventListener(type: string, listener: (event: Event) => void): void {
    if (type === 'message') {
      this.channel.port2.addEventListener('message', listener as (e: MessageEvent) => void);
      this.channel.port2.start();
    } else this.events.addEventListener(type, listener);
  }
  removeEventListener(type: string, listener: (event: Event) => void): void {
    if (type === 'message') this.channel.port2.removeEventListener('message', listener as (e: MessageEvent) => void);
    else this.events.removeEventListener(type, listener);
  }
  terminate(): void {
    this.terminated = true;
    this.channel.port1.close();
    this.channel.port2.close();
  }
}

const runtimeInfo = { active: 'cpu', backends: [] } as unknown as RuntimeInfo;
const workers: ChannelWorker[] = [];
afterEach(() => {
  for (const w of workers.splice(0)) w.terminate();
});

const unused = async (): Promise<never> => {
  throw new Error('not used in this test');
};

function clientOver(api: Partial<StudioApi>) {
  sendErrorDetails();
  const full: StudioApi = {
    runtime: async () => runtimeInfo,
    openModel: async () => ({ id: 'model-1' }) as OpenedModelRef,
    closeModel: async () => {},
    estimateSize: unused,
    applyRecipe: unused,
    openData: unused,
    closeData: unused,
    measure: unused,
    histogram: unused,
    exportVariant: unused,
    ...api,
  };
  const client = createWorkerClient(() => {
    const worker = new ChannelWorker(full);
    workers.push(worker);
    return worker;
  });
  return client;
}

describe('createWorkerClient', () => {
  it('starts the worker on the first call and returns results', async () => {
    const client = clientOver({});
    expect(workers).toHaveLength(0);
    expect(await client.runtime()).toEqual(runtimeInfo);
    expect(workers).toHaveLength(1);
  });

  it('transfers file buffers instead of copying them', async () => {
    let received: InputFile[] = [];
    const client = clientOver({
      openModel: async (files) => {
        received = files;
        return { id: 'model-7' } as OpenedModelRef;
      },
    });
    const data = new Uint8Array([1, 2, 3, 4]);
    // Two views of one buffer: it must be transferred once, not twice (which would throw).
    const ref = await client.openModel([
      { name: 'model.json', data: data.subarray(0, 2) },
      { name: 'group1-shard1of1.bin', data: data.subarray(2) },
    ]);
    expect(ref.id).toBe('model-7');
    expect(data.byteLength).toBe(0); // detached: the bytes moved to the worker
    expect(received.map((f) => [f.name, Array.from(f.data)])).toEqual([
      ['model.json', [1, 2]],
      ['group1-shard1of1.bin', [3, 4]],
    ]);
  });

  it('rejects with the PareError fields the worker threw', async () => {
    const client = clientOver({
      openModel: async () => {
        throw new PareError('shard-length', "Shard 'a.bin' is 12 bytes; the manifest needs 16.", { file: 'a.bin' });
      },
    });
    await expect(client.openModel([])).rejects.toEqual({
      code: 'shard-length',
      message: "Shard 'a.bin' is 12 bytes; the manifest needs 16.",
      file: 'a.bin',
    });
  });

  it('labels errors without a code as unexpected', async () => {
    const client = clientOver({
      runtime: async () => {
        throw new RangeError('boom');
      },
    });
    await expect(client.runtime()).rejects.toEqual({ code: 'internal', message: 'Unexpected error: boom' });
  });

  it('cancel rejects pending calls, terminates the worker and starts a new one on the next call', async () => {
    const client = clientOver({ openModel: () => new Promise<never>(() => {}) });
    const restarts: string[] = [];
    client.onRestart((reason) => restarts.push(reason));
    const opening = client.openModel([{ name: 'model.json', data: new Uint8Array(1) }]);
    await client.runtime(); // the worker is up and the open is in flight
    client.cancel();
    await expect(opening).rejects.toMatchObject({ code: 'cancelled' });
    expect(workers[0].terminated).toBe(true);
    expect(restarts).toEqual(['cancelled']);
    expect(await client.runtime()).toEqual(runtimeInfo);
    expect(workers).toHaveLength(2);
  });

  it('treats a worker error event as a crash: pending calls reject and the next call gets a fresh worker', async () => {
    const client = clientOver({ openModel: () => new Promise<never>(() => {}) });
    const restarts: string[] = [];
    client.onRestart((reason) => restarts.push(reason));
    const opening = client.openModel([]);
    await client.runtime();
    workers[0].events.dispatchEvent(Object.assign(new Event('error'), { message: 'Out of memory' }));
    await expect(opening).rejects.toMatchObject({
      code: 'worker-crashed',
      message: 'The studio worker stopped: Out of memory. It has been restarted.',
    });
    expect(restarts).toEqual(['crashed']);
    expect(await client.runtime()).toEqual(runtimeInfo);
    expect(workers).toHaveLength(2);
  });
  it('passes progress callbacks across the boundary and returns the result', async () => {
    const client = clientOver({
      applyRecipe: async (modelId, recipe, onProgress) => {
        await onProgress?.({ phase: 'apply', done: 1, total: 2, etaMs: null });
        await onProgress?.({ phase: 'apply', done: 2, total: 2, etaMs: null });
        return { recipeHash: `${modelId}:${recipe.version}`, stats: {} as VariantRef['stats'], warnings: [] };
      },
    });
    const seen: number[] = [];
    const recipe: Recipe = { pare: 'recipe', version: 2, steps: [] };
    const ref = await client.applyRecipe('model-1', recipe, (p) => seen.push(p.done));
    expect(ref.recipeHash).toBe('model-1:2');
    expect(seen).toEqual([1, 2]);
  });

  it('transfers data files to the worker like model files', async () => {
    let names: string[] = [];
    const client = clientOver({
      openData: async (modelId, files) => {
        names = files.map((f) => f.name);
        return { id: 'data-1', summary: {} as DataRef['summary'], previews: [] };
      },
    });
    const data = new Uint8Array([1, 2, 3]);
    expect((await client.openData('model-1', [{ name: 'labels.txt', data }])).id).toBe('data-1');
    expect(names).toEqual(['labels.txt']);
    expect(data.byteLength).toBe(0);
  });
});
