/** When the session is written: slider drags once they settle, a measurement at once, everything when the page hides. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SourceFile } from '../files/source-file';
import { applyCurrent, openFiles, setGlobalSparsity, setStudioClient, startPersistence } from './actions';
import { FakeClient, inventory } from './fake-client';
import { memorySessionStore } from './persistence';
import type { PageLifecycle } from './session-actions';
import { resetStudio, studio } from './store';

let client: FakeClient;

/** A page whose hiding the test triggers. */
function testPage(): PageLifecycle & { hide(): void } {
  const listeners = new Set<() => void>();
  return {
    onHidden(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hide() {
      for (const listener of listeners) listener();
    },
  };
}

beforeEach(async () => {
  resetStudio();
  client = new FakeClient();
  setStudioClient(client);
  const done = openFiles([{ name: 'm/model.json', blob: new Blob([new Uint8Array(3)]) }] satisfies SourceFile[]);
  await vi.waitFor(() => expect(client.opens).toHaveLength(1));
  client.opens[0].resolve({ id: 'model-1', inventory: inventory(10) });
  await done;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('saving the session', () => {
  it('saves a measurement at once, without waiting for the slider delay', async () => {
    const store = memorySessionStore();
    const stop = startPersistence(store, 400, testPage());
    setGlobalSparsity(0.5);
    expect(await applyCurrent()).toBe(true);
    // No timer has run: a reload now would still find the measured variant.
    await Promise.resolve();
    const saved = store.saved.variants?.variants ?? [];
    expect(saved.map((v) => v.name)).toEqual(['Original', 'Variant 1']);
    expect(saved.every((v) => v.measurement !== null)).toBe(true);
    stop();
  });

  it('waits for a slider drag to settle, and saves what is waiting when the page is hidden', async () => {
    const store = memorySessionStore();
    const page = testPage();
    const stop = startPersistence(store, 400, page);
    setGlobalSparsity(0.3);
    setGlobalSparsity(0.4);
    await vi.advanceTimersByTimeAsync(100);
    expect(store.saved.variants).toBeNull();
    page.hide();
    await Promise.resolve();
    expect(store.saved.variants?.controls.globalSparsity).toBe(0.4);
    // Nothing is saved twice: the pending timer was replaced by the save on hiding.
    store.saved.variants = null;
    await vi.advanceTimersByTimeAsync(500);
    expect(store.saved.variants).toBeNull();
    stop();
  });

  it('stops listening to the page when stopped', async () => {
    const store = memorySessionStore();
    const page = testPage();
    startPersistence(store, 400, page)();
    studio.setState({ selectedId: 'x' });
    page.hide();
    await vi.advanceTimersByTimeAsync(500);
    expect(store.saved.variants).toBeNull();
  });
});
