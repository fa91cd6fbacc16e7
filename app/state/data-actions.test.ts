/**
 * Editing the class names of the open data over a fake worker client: the names are checked before the worker is
 * asked, saved names reopen the data with them (and are other data for measurements), a failure keeps the
 * previous data, and the names are kept with the scale and the session.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataRef, OpenDataOptions } from '../../src/worker/api';
import { openDataFiles, openFiles, reopenData, setDataClassNames, setDataScale, setStudioClient, startPersistence } from './actions';
import { FakeClient, inventory, settle, fakeSourceFiles } from './fake-client';
import { memorySessionStore } from './persistence';
import { resetStudio, studio } from './store';

let client: FakeClient;
const state = () => studio.getState();


/** A model with `width` outputs, opened through the real action. */
async function openModel(id: string, width = 10): Promise<void> {
  const n = client.opens.length;
  const done = openFiles(fakeSourceFiles('m/model.json', 'm/group1-shard1of1.bin'));
  await vi.waitFor(() => expect(client.opens.length).toBe(n + 1));
  const inv = inventory(1000);
  inv.outputs = [{ name: 'output', shape: [null, width], dtype: 'float32' }];
  client.opens[n].resolve({ id, inventory: inv });
  expect(await done).toBe(true);
}

const fashion = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
let opened = 0;

/** Answers like the worker: the given names, 'edited', else the labels file's. */
async function answer(_: string, __: unknown, options?: OpenDataOptions): Promise<DataRef> {
  const classNames = options?.classNames ?? fashion;
  return {
    id: `data-${++opened}`,
    summary: { kind: 'idx', size: 3, sampleShape: [28, 28, 1], classNames, classSource: options?.classNames ? 'edited' : 'labels-file', labelled: true, preprocessing: null, skipped: [], description: 'd' },
    previews: [{ width: 1, height: 1, rgba: new Uint8ClampedArray(4), label: 8, className: classNames[8] }],
  };
}

const renamed = fashion.map((n) => (n === 'Bag' ? 'Handbag' : n));

beforeEach(async () => {
  resetStudio();
  client = new FakeClient();
  client.handlers.openData = answer;
  setStudioClient(client);
  await openModel('model-1');
  expect(await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'))).toBe(true);
});

describe('editing the class names', () => {
  it('reopens the data with the names, keeping the scale, and treats it as other data for measurements', async () => {
    await setDataScale('-1,1');
    const before = state().data!;
    expect(await setDataClassNames(renamed)).toBeNull();
    expect(client.callsOf('openData').at(-1)![2]).toEqual({ scale: '-1,1', classNames: renamed });
    expect(state().data!.summary.classNames[8]).toBe('Handbag');
    expect(state().data!.summary.classSource).toBe('edited');
    expect(state().data!.previews[0].className).toBe('Handbag');
    expect(state().dataSource).toMatchObject({ scale: '-1,1', classNames: renamed });
    expect(state().data!.key).not.toBe(before.key);
    expect(client.callsOf('closeData')).toContainEqual([before.id]);
    // Another scale keeps the names; undefined goes back to the data's own.
    await setDataScale('0,1');
    expect(client.callsOf('openData').at(-1)![2]).toEqual({ scale: '0,1', classNames: renamed });
    expect(await setDataClassNames(undefined)).toBeNull();
    expect(client.callsOf('openData').at(-1)![2]).toEqual({ scale: '0,1' });
    expect(state().data!.summary.classNames[8]).toBe('Bag');
    expect(state().dataSource?.classNames).toBeUndefined();
  });

  it('says what is wrong with the names without asking the worker', async () => {
    const calls = client.callsOf('openData').length;
    expect(await setDataClassNames(fashion.slice(0, 9))).toEqual({
      code: 'bad-options',
      message: '10 names needed (the model has 10 outputs); found 9.',
    });
    expect((await setDataClassNames(fashion.map((n, i) => (i === 3 ? 'Coat' : n))))?.message).toBe(
      "'Coat' names both class 3 and class 4; names must be unique.",
    );
    expect((await setDataClassNames(fashion.map((n, i) => (i === 0 ? ' ' : n))))?.message).toBe(
      'Class 0 has an empty name; every class needs one.',
    );
    expect(client.callsOf('openData')).toHaveLength(calls);
    expect(state().dataSource?.classNames).toBeUndefined();
  });

  it('keeps the previous data and names when the worker cannot open the data with them', async () => {
    const before = state().data!;
    const source = state().dataSource;
    const message = "Folders 'Bag' are not among the model's 10 classes (T-shirt/top, Trouser, ...).";
    client.handlers.openData = async () => {
      throw { code: 'bad-data', message };
    };
    expect(await setDataClassNames(renamed)).toEqual({ code: 'bad-data', message });
    expect(state().data).toBe(before);
    expect(state().dataSource).toBe(source);
    expect(state().dataError).toBeNull();
    expect(state().dataOpening).toBeNull();
    expect(client.callsOf('closeData')).not.toContainEqual([before.id]);
  });

  it('saves the names with the session and uses them again for a model with as many outputs, not for another', async () => {
    const store = memorySessionStore();
    const stop = startPersistence(store);
    expect(await setDataClassNames(renamed)).toBeNull();
    await settle();
    expect(store.saved.data?.classNames).toEqual(renamed);
    stop();

    const edited = state().data!.id;
    await openModel('model-2');
    // The model group starts afresh (no data) and the data is opened again for the new model.
    await vi.waitFor(() => expect(state().data?.id ?? edited).not.toBe(edited));
    expect(client.callsOf('openData').at(-1)).toEqual(['model-2', expect.any(Array), { classNames: renamed }]);
    expect(state().data?.summary.classNames[8]).toBe('Handbag');

    await openModel('model-3', 3);
    await vi.waitFor(() => expect(client.callsOf('openData').at(-1)?.[0]).toBe('model-3'));
    expect(client.callsOf('openData').at(-1)![2]).toEqual({});
    await vi.waitFor(() => expect(state().dataSource?.classNames).toBeUndefined());
    expect(await reopenData()).toBe(true);
  });
});
