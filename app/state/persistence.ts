/**
 * Where the session is kept between page loads: IndexedDB in the browser (files as Blobs, variants with their
 * results), an in-memory store in tests. Failures reject with a StudioError; the quota case says so plainly.
 */
import type { StudioError } from '../../src/worker/api';
import type { ModelSource } from '../files/source-file';
import type { DataSource } from './data-slice';
import type { StudioState } from './store';

/** The part of the state that is saved with the variants. */
export type SavedVariants = Pick<
  StudioState,
  'variants' | 'selectedId' | 'variantCounter' | 'controls' | 'loadedRecipe' | 'measureSettings'
>;

export interface SavedSession {
  model: ModelSource | null;
  data: DataSource | null;
  variants: SavedVariants | null;
}

export interface SessionStore {
  load(): Promise<SavedSession>;
  save<K extends keyof SavedSession>(key: K, value: SavedSession[K]): Promise<void>;
  clear(): Promise<void>;
}

/** A store in memory, for tests (structuredClone-free: the values are kept as given). */
export function memorySessionStore(initial: Partial<SavedSession> = {}): SessionStore & { saved: SavedSession; failWith: StudioError | null } {
  const saved: SavedSession = { model: null, data: null, variants: null, ...initial };
  const store = {
    saved,
    failWith: null as StudioError | null,
    async load() {
      return { ...saved };
    },
    async save<K extends keyof SavedSession>(key: K, value: SavedSession[K]) {
      if (store.failWith) throw store.failWith;
      saved[key] = value;
    },
    async clear() {
      saved.model = null;
      saved.data = null;
      saved.variants = null;
    },
  };
  return store;
}

const DB_NAME = 'pare-session';
const STORE = 'session';

/** What a failed IndexedDB request means for the user. */
export function storageError(error: DOMException | Error | null | undefined, action: string): StudioError {
  if (error?.name === 'QuotaExceededError') {
    return {
      code: 'unreadable',
      message: `The browser's storage for this site is full, so the session could not be saved (${action}); it will not come back after a reload. Free some space or start a new session.`,
    };
  }
  return {
    code: 'unreadable',
    message: `The session could not be saved in this browser's storage (${action}: ${error?.message ?? 'unknown error'}); it will not come back after a reload.`,
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** The browser's store. Opening is lazy; a browser without IndexedDB rejects every call. */
export function indexedDbSessionStore(): SessionStore {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      if (typeof indexedDB === 'undefined') {
        reject(new Error('this browser has no IndexedDB'));
        return;
      }
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    }));

  async function write(action: string, run: (store: IDBObjectStore) => void): Promise<void> {
    let database: IDBDatabase;
    try {
      database = await open();
    } catch (e) {
      throw storageError(e as Error, action);
    }
    await new Promise<void>((resolve, reject) => {
      const tx = database.transaction(STORE, 'readwrite');
      tx.oncomplete = () => resolve();
      // Quota errors abort the transaction; its error says why.
      tx.onabort = () => reject(storageError(tx.error, action));
      tx.onerror = () => reject(storageError(tx.error, action));
      try {
        run(tx.objectStore(STORE));
      } catch (e) {
        reject(storageError(e as Error, action));
      }
    });
  }

  return {
    async load() {
      const database = await open().catch((e: Error) => {
        throw storageError(e, 'reading the saved session');
      });
      const tx = database.transaction(STORE, 'readonly');
      const store = tx.objectStore(STORE);
      const [model, data, variants] = await Promise.all([
        request(store.get('model')),
        request(store.get('data')),
        request(store.get('variants')),
      ]);
      return { model: model ?? null, data: data ?? null, variants: variants ?? null };
    },
    save(key, value) {
      return write(`saving the ${key}`, (store) => {
        if (value === null) store.delete(key);
        else store.put(value, key);
      });
    },
    clear() {
      return write('clearing the session', (store) => store.clear());
    },
  };
}
