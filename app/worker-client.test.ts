import { afterEach, describe, expect, it } from 'vitest';
import { expose } from 'comlink';
import { PareError } from '../src/errors';
import type { InputFile } from '../src/model/types';
import type { DataRef, JobOptions, Measurement, OpenedModelRef, Recipe, RuntimeInfo, StudioApi, VariantRef } from '../src/worker/api';
import { withCallSignals } from '../src/worker/call-signals';
import { sendErrorDetails } from '../src/worker/error-transfer';
import { createWorkerClient, type WorkerClientOptions, type WorkerLike } from './worker-client';

/** A "worker" in the same process: Comlink over a real MessageChannel, with Worker's error event and terminate. */
class ChannelWorker implements WorkerLike {
  readonly events = new EventTarget();
  readonly channel = new MessageChannel();
  terminated = false;
  constructor(api: StudioApi) {
    // As studio.worker.ts does: long calls get a signal per call id, and abortCalls aborts them.
    expose(withCallSignals(api), this.channel.port1);
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

function clientOver(api: Partial<StudioApi>, options: WorkerClientOptions = {}) {
  sendErrorDetails();
  const full: StudioApi = {
    runtime: async () => runtimeInfo,
    openModel: async () => ({ id: 'model-1' }) as OpenedModelRef,
    closeModel: async () => {},
    estimateSize: unused,
    channelEstimate: unused,
    applyRecipe: unused,
    registerVariants: unused,
    openData: unused,
    closeData: unused,
    openNewClasses: unused,
    cutChoices: unused,
    measure: unused,
    histogram: unused,
    exportVariant: unused,
    findRecipe: unused,
    sensitivity: unused,
    train: unused,
    ...api,
  };
  const client = createWorkerClient(() => {
    const worker = new ChannelWorker(full);
    workers.push(worker);
    return worker;
  }, options);
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
      applyRecipe: async (modelId, recipe, job) => {
        await job?.onProgress?.({ phase: 'apply', done: 1, total: 2, etaMs: null });
        await job?.onProgress?.({ phase: 'apply', done: 2, total: 2, etaMs: null });
        return { id: 'variant-1', recipeHash: `${modelId}:${recipe.version}`, stats: {} as VariantRef['stats'], warnings: [] };
      },
    });
    const seen: number[] = [];
    const recipe: Recipe = { pare: 'recipe', version: 2, steps: [] };
    const ref = await client.applyRecipe('model-1', recipe, { onProgress: (p) => seen.push(p.done) });
    expect(ref).toMatchObject({ id: 'variant-1', recipeHash: 'model-1:2' });
    expect(seen).toEqual([1, 2]);
  });

  it('sends the data binding after the job, and the worker still gets a live job with progress', async () => {
    let bound: unknown = null;
    const client = clientOver({
      applyRecipe: async (_, __, job, data) => {
        bound = data;
        await job?.onProgress?.({ phase: 'apply', done: 1, total: 1, etaMs: null });
        expect(job?.signal?.aborted).toBe(false);
        return { id: 'variant-1', recipeHash: 'h', stats: {} as VariantRef['stats'], warnings: [] };
      },
    });
    const seen: number[] = [];
    await client.applyRecipe('model-1', { pare: 'recipe', version: 2, steps: [] }, { onProgress: (p) => seen.push(p.done) }, { calibration: 'data-3' });
    expect(bound).toEqual({ calibration: 'data-3' });
    expect(seen).toEqual([1]);
  });

  it("Stop reaches a training call's job.stop (not its signal) and the call resolves with what it kept, past the grace period", async () => {
    let started = false;
    const client = clientOver({
      train: (_, recipe, job) => {
        started = true;
        return new Promise((resolve) => {
          job?.stop?.addEventListener('abort', () => {
            expect(job.signal?.aborted).toBe(false);
            resolve({ id: 'variant-2', recipeHash: 'h', stats: {} as VariantRef['stats'], warnings: [], recipe, stopped: true, rebuildable: true, note: 'kept epoch 1' });
          });
        });
      },
    }, { cancelGraceMs: 20 });
    const stop = new AbortController();
    const training = client.train('model-1', { pare: 'recipe', version: 2, steps: [] }, { stop: stop.signal }, { training: { dataId: 'data-1', start: 0, end: 10 } });
    await waitFor(() => started);
    stop.abort();
    await expect(training).resolves.toMatchObject({ id: 'variant-2', stopped: true });
    await new Promise((r) => setTimeout(r, 40));
    expect(workers[0]!.terminated).toBe(false);
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

/**
 * A studio that holds models by id and measures until told to stop: `honours` false makes it ignore the abort,
 * as a kernel that never returns to the event loop would.
 */
function slowStudio(honours: boolean) {
  const models = new Set<string>();
  const started: string[] = [];
  let n = 0;
  const api: Partial<StudioApi> = {
    openModel: async () => {
      const id = `model-${++n}`;
      models.add(id);
      return { id } as OpenedModelRef;
    },
    measure: (modelId: string, _variant: string | null, _options: unknown, job?: JobOptions) => {
      if (!models.has(modelId)) return Promise.reject(new PareError('bad-options', `No open model has the id '${modelId}'.`));
      started.push(modelId);
      return new Promise<Measurement>((_, reject) => {
        if (!honours) return;
        job?.signal?.addEventListener('abort', () => reject(new PareError('cancelled', 'Measuring was cancelled after 3 of 64 samples.')));
      });
    },
    closeModel: async (id) => {
      models.delete(id);
    },
  };
  return { api, models, started };
}

describe('cancelling a call', () => {
  it('aborts it in the worker: it rejects with code cancelled and the worker keeps its models', async () => {
    const studio = slowStudio(true);
    const client = clientOver(studio.api, { cancelGraceMs: 60_000 });
    const restarts: string[] = [];
    client.onRestart((reason) => restarts.push(reason));
    const { id } = await client.openModel([]);
    const measuring = client.measure(id, null, { dataId: null });
    await waitFor(() => studio.started.length === 1);
    client.cancel();
    await expect(measuring).rejects.toEqual({ code: 'cancelled', message: 'Measuring was cancelled after 3 of 64 samples.' });
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false);
    expect(restarts).toEqual([]);
    // The same model, in the same worker, answers the next call: no reopen was needed.
    expect(studio.models.has(id)).toBe(true);
    const again = client.measure(id, null, { dataId: null });
    await waitFor(() => studio.started.length === 2);
    expect(studio.started).toEqual([id, id]);
    client.cancel();
    await expect(again).rejects.toMatchObject({ code: 'cancelled' });
  });

  it("aborts one call by its own signal and leaves the others running", async () => {
    const studio = slowStudio(true);
    const client = clientOver(studio.api, { cancelGraceMs: 60_000 });
    const { id } = await client.openModel([]);
    const first = new AbortController();
    const a = client.measure(id, null, { dataId: null }, { signal: first.signal });
    const b = client.measure(id, null, { dataId: null }, { signal: new AbortController().signal });
    let bSettled = false;
    b.catch(() => {}).finally(() => (bSettled = true));
    await waitFor(() => studio.started.length === 2);
    first.abort();
    await expect(a).rejects.toMatchObject({ code: 'cancelled' });
    await settleMessages();
    expect(bSettled).toBe(false);
    client.cancel();
    await expect(b).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('rejects a call whose signal was aborted before it started, without sending it', async () => {
    const studio = slowStudio(true);
    const client = clientOver(studio.api);
    const { id } = await client.openModel([]);
    const stop = new AbortController();
    stop.abort();
    await expect(client.measure(id, null, { dataId: null }, { signal: stop.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(studio.started).toEqual([]);
  });

  it('terminates and replaces the worker only when the call ignores the abort past the grace period', async () => {
    const studio = slowStudio(false);
    const graceMs = 150;
    const client = clientOver(studio.api, { cancelGraceMs: graceMs });
    const restarts: string[] = [];
    client.onRestart((reason) => restarts.push(reason));
    const { id } = await client.openModel([]);
    const measuring = client.measure(id, null, { dataId: null });
    let settledAt = 0;
    measuring.catch(() => {}).finally(() => (settledAt = Date.now()));
    await waitFor(() => studio.started.length === 1);
    const cancelledAt = Date.now();
    client.cancel();
    await new Promise((r) => setTimeout(r, graceMs / 3));
    // Within the grace period the worker is given its chance.
    expect(workers[0].terminated).toBe(false);
    expect(settledAt).toBe(0);
    await expect(measuring).rejects.toEqual({
      code: 'cancelled',
      message: 'Cancelled: the studio worker did not stop in time, so it was started again.',
    });
    expect(settledAt - cancelledAt).toBeGreaterThanOrEqual(graceMs - 5);
    expect(workers[0].terminated).toBe(true);
    expect(restarts).toEqual(['cancelled']);
    expect(await client.runtime()).toEqual(runtimeInfo);
    expect(workers).toHaveLength(2);
  });

  it('resolves a call that finished before the abort reached the worker: its work is done and kept', async () => {
    let finish: (m: Measurement) => void = () => {};
    const client = clientOver(
      { measure: () => new Promise<Measurement>((resolve) => (finish = resolve)) },
      { cancelGraceMs: 60_000 },
    );
    const stop = new AbortController();
    const measuring = client.measure('model-1', null, { dataId: null }, { signal: stop.signal });
    await settleMessages();
    finish({ durationMs: 12 } as Measurement); // settles in the worker before the abort message is read
    stop.abort();
    await expect(measuring).resolves.toEqual({ durationMs: 12 });
    expect(workers[0].terminated).toBe(false);
  });

  it('does not terminate a worker whose aborted call settled in time', async () => {
    const studio = slowStudio(true);
    const client = clientOver(studio.api, { cancelGraceMs: 40 });
    const { id } = await client.openModel([]);
    const measuring = client.measure(id, null, { dataId: null });
    await waitFor(() => studio.started.length === 1);
    client.cancel();
    await expect(measuring).rejects.toMatchObject({ code: 'cancelled' });
    await new Promise((r) => setTimeout(r, 80));
    expect(workers[0].terminated).toBe(false);
    expect(workers).toHaveLength(1);
  });
});

/** Lets queued MessagePort messages and their promise callbacks run. */
async function settleMessages(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Polls `ready` across message turns (the worker side runs on the same event loop). */
async function waitFor(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ready()).toBe(true);
}
