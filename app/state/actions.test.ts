import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  cancelOpen,
  closeModel,
  dismissModelError,
  loadRuntime,
  loadSamples,
  openFiles,
  openSample,
  setStudioClient,
  sortWeightsBy,
} from './actions';
import { FakeClient, inventory, settle } from './fake-client';
import { resetStudio, studio } from './store';
import type { SourceFile } from '../files/source-file';
import type { SampleEntry } from '../files/samples';

let client: FakeClient;

beforeEach(() => {
  resetStudio();
  client = new FakeClient();
  setStudioClient(client);
});

function files(...names: string[]): SourceFile[] {
  return names.map((name, i) => ({ name, blob: new Blob([new Uint8Array([i + 1, i + 2])]) }));
}

/** Waits until the fake has received `n` open calls (reading the blobs is asynchronous). */
async function opened(n: number) {
  await vi.waitFor(() => expect(client.opens.length).toBe(n));
  return client.opens[n - 1];
}

const state = () => studio.getState();

describe('opening a model', () => {
  it('shows the open in progress, then the inventory, and sends the bytes with their relative names', async () => {
    const done = openFiles(files('my-model/model.json', 'my-model/group1-shard1of1'));
    expect(state().opening).toEqual({ label: 'my-model' });
    const call = await opened(1);
    expect(call.files.map((f) => [f.name, Array.from(f.data)])).toEqual([
      ['my-model/model.json', [1, 2]],
      ['my-model/group1-shard1of1', [2, 3]],
    ]);
    call.resolve({ id: 'model-1', inventory: inventory(2_619_461) });
    expect(await done).toBe(true);
    expect(state().opening).toBeNull();
    expect(state().model?.id).toBe('model-1');
    expect(state().model?.inventory.params).toBe(2_619_461);
    expect(state().model?.source.label).toBe('my-model');
  });

  it('keeps the previous model open when an open fails, and shows the error naming the file', async () => {
    const first = openFiles(files('model.json', 'a.bin'));
    (await opened(1)).resolve({ id: 'model-1', inventory: inventory(10) });
    await first;

    const second = openFiles(files('broken.json'));
    (await opened(2)).reject({
      code: 'missing-shard',
      message: "Shard 'group1-shard1of1.bin' is not among the dropped files.",
      file: 'group1-shard1of1.bin',
    });
    expect(await second).toBe(false);
    expect(state().model?.id).toBe('model-1');
    expect(state().opening).toBeNull();
    expect(state().modelError).toEqual({
      code: 'missing-shard',
      message: "Shard 'group1-shard1of1.bin' is not among the dropped files.",
      file: 'group1-shard1of1.bin',
    });
    expect(client.closed).toEqual([]);

    dismissModelError();
    expect(state().modelError).toBeNull();
  });

  it('closes the previous model in the worker once a new one has opened', async () => {
    const first = openFiles(files('a/model.json'));
    (await opened(1)).resolve({ id: 'model-1', inventory: inventory(10) });
    await first;
    const second = openFiles(files('b/model.json'));
    (await opened(2)).resolve({ id: 'model-2', inventory: inventory(20) });
    await second;
    expect(state().model?.id).toBe('model-2');
    expect(client.closed).toEqual(['model-1']);
  });

  it('lets the newest open win when an older one answers last', async () => {
    const older = openFiles(files('slow/model.json'));
    const slow = await opened(1);
    const newer = openFiles(files('fast/model.json'));
    (await opened(2)).resolve({ id: 'model-2', inventory: inventory(20) });
    expect(await newer).toBe(true);
    slow.resolve({ id: 'model-1', inventory: inventory(10) });
    expect(await older).toBe(false);
    expect(state().model?.id).toBe('model-2');
    expect(client.closed).toEqual(['model-1']); // the late answer is released in the worker
  });

  it('cancelling an open reports nothing and keeps the model that was open, without reopening it', async () => {
    const first = openFiles(files('a/model.json', 'a/group1-shard1of1.bin'));
    (await opened(1)).resolve({ id: 'model-1', inventory: inventory(10) });
    await first;

    const second = openFiles(files('huge/model.json'));
    await opened(2);
    cancelOpen();
    expect(await second).toBe(false);
    expect(state().opening).toBeNull();
    expect(state().modelError).toBeNull();
    // The worker stopped the open and kept model-1: nothing is opened again.
    await settle();
    expect(client.opens).toHaveLength(2);
    expect(state().model).toMatchObject({ id: 'model-1', source: { label: 'a' } });
  });

  it('reopens the model when the worker had to be restarted because it ignored the cancel', async () => {
    const first = openFiles(files('a/model.json', 'a/group1-shard1of1.bin'));
    (await opened(1)).resolve({ id: 'model-1', inventory: inventory(10) });
    await first;
    const second = openFiles(files('huge/model.json'));
    await opened(2);
    client.restartAfterCancel();
    expect(await second).toBe(false);
    expect(state().modelError).toBeNull();
    const reopen = await opened(3);
    expect(reopen.files.map((f) => f.name)).toEqual(['a/model.json', 'a/group1-shard1of1.bin']);
    reopen.resolve({ id: 'model-3', inventory: inventory(10) });
    await vi.waitFor(() => expect(state().model?.id).toBe('model-3'));
    expect(state().model?.source.label).toBe('a');
  });

  it('a worker crash during an open shows the crash and still reopens the previous model', async () => {
    const first = openFiles(files('a/model.json'));
    (await opened(1)).resolve({ id: 'model-1', inventory: inventory(10) });
    await first;
    const second = openFiles(files('b/model.json'));
    await opened(2);
    client.crash();
    expect(await second).toBe(false);
    expect(state().modelError?.code).toBe('worker-crashed');
    (await opened(3)).resolve({ id: 'model-3', inventory: inventory(10) });
    await vi.waitFor(() => expect(state().model?.id).toBe('model-3'));
  });

  it('closeModel forgets the model here and in the worker', async () => {
    const first = openFiles(files('a/model.json'));
    (await opened(1)).resolve({ id: 'model-1', inventory: inventory(10) });
    await first;
    await closeModel();
    expect(state().model).toBeNull();
    expect(client.closed).toEqual(['model-1']);
  });
});

describe('samples', () => {
  const mlp: SampleEntry = {
    id: 'fashion-mlp',
    name: 'Fashion-MNIST MLP',
    description: 'LeNet-300-100',
    files: ['fashion-mlp/model.json', 'fashion-mlp/group1-shard1of1.bin'],
  };

  function fakeFetch(table: Record<string, unknown>) {
    const requested: string[] = [];
    const impl = async (url: string) => {
      requested.push(url);
      if (!(url in table)) return new Response('not found', { status: 404 });
      const body = table[url];
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200 });
    };
    return { impl, requested };
  }

  it('lists the samples from index.json, skipping malformed entries', async () => {
    const { impl } = fakeFetch({ '/samples/index.json': [mlp, { id: 'no-files', name: 'x', files: [] }] });
    await loadSamples('/', impl);
    expect(state().samples.status).toBe('ready');
    expect(state().samples.entries.map((e) => e.id)).toEqual(['fashion-mlp']);
  });

  it('treats a missing index as no samples, and a broken one as an error', async () => {
    await loadSamples('/', fakeFetch({}).impl);
    expect(state().samples).toMatchObject({ status: 'ready', entries: [] });
    // A server's single-page fallback: index.html instead of a 404.
    const fallback = async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
    await loadSamples('/', fallback);
    expect(state().samples).toMatchObject({ status: 'ready', entries: [] });
    await loadSamples('/', fakeFetch({ '/samples/index.json': '{oops' }).impl);
    expect(state().samples.status).toBe('error');
    expect(state().samples.error?.message).toBe(
      "The sample file '/samples/index.json' could not be fetched: it is not valid JSON.",
    );
  });

  it('fetches a sample from the app and opens it like dropped files', async () => {
    const { impl, requested } = fakeFetch({
      '/base/samples/fashion-mlp/model.json': '{"modelTopology":{}}',
      '/base/samples/fashion-mlp/group1-shard1of1.bin': 'abcd',
    });
    const done = openSample(mlp, '/base/', impl);
    expect(state().opening).toEqual({ label: 'Sample: Fashion-MNIST MLP' });
    const call = await opened(1);
    expect(requested).toEqual([
      '/base/samples/fashion-mlp/model.json',
      '/base/samples/fashion-mlp/group1-shard1of1.bin',
    ]);
    expect(call.files.map((f) => [f.name, f.data.byteLength])).toEqual([
      ['fashion-mlp/model.json', 20],
      ['fashion-mlp/group1-shard1of1.bin', 4],
    ]);
    call.resolve({ id: 'model-1', inventory: inventory(266_610) });
    expect(await done).toBe(true);
    expect(state().model?.source.label).toBe('Sample: Fashion-MNIST MLP');
  });

  it('reports a sample file the server does not have', async () => {
    const { impl } = fakeFetch({ '/samples/fashion-mlp/model.json': '{}' });
    expect(await openSample(mlp, '/', impl)).toBe(false);
    expect(state().opening).toBeNull();
    expect(state().modelError).toEqual({
      code: 'unreadable',
      message: "The sample file 'samples/fashion-mlp/group1-shard1of1.bin' could not be fetched: HTTP 404.",
      file: 'samples/fashion-mlp/group1-shard1of1.bin',
    });
    expect(client.opens).toHaveLength(0);
  });
});

describe('runtime', () => {
  it('stores what the worker reports', async () => {
    await loadRuntime();
    expect(state().runtime?.active).toBe('wasm');
    expect(state().runtimeError).toBeNull();
  });

  it('stores the error when the worker cannot answer', async () => {
    client.runtimeAnswer = { code: 'worker-crashed', message: 'The studio worker stopped: script error.' };
    await loadRuntime();
    expect(state().runtime).toBeNull();
    expect(state().runtimeError?.code).toBe('worker-crashed');
  });
});

describe('weight table sorting', () => {
  it('sorts a new column (numbers biggest first) and flips on a second click', () => {
    expect(state().weightSort).toEqual({ key: 'index', direction: 'ascending' });
    sortWeightsBy('params');
    expect(state().weightSort).toEqual({ key: 'params', direction: 'descending' });
    sortWeightsBy('params');
    expect(state().weightSort).toEqual({ key: 'params', direction: 'ascending' });
    sortWeightsBy('name');
    expect(state().weightSort).toEqual({ key: 'name', direction: 'ascending' });
  });
});
