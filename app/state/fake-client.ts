/**
 * An in-memory StudioClient for the action tests: every call is answered by a deferred the test settles, so the
 * tests control ordering (an older open finishing after a newer one, a cancel mid-open) exactly.
 */
import type { InputFile, ModelInventory } from '../../src/model/types';
import type { OpenedModelRef, RuntimeInfo, StudioError } from '../../src/worker/api';
import { cancelledError } from '../studio-error';
import type { StudioClient } from '../worker-client';

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: StudioError): void;
}

export interface OpenCall extends Deferred<OpenedModelRef> {
  files: InputFile[];
}

export class FakeClient implements StudioClient {
  readonly opens: OpenCall[] = [];
  readonly closed: string[] = [];
  runtimeAnswer: RuntimeInfo | StudioError = { active: 'wasm', backends: [] } as unknown as RuntimeInfo;
  private readonly listeners = new Set<(reason: 'cancelled' | 'crashed') => void>();
  private pending = new Set<Deferred<never>>();

  async runtime(): Promise<RuntimeInfo> {
    const answer = this.runtimeAnswer;
    if ('code' in answer) throw answer;
    return answer;
  }

  openModel(files: InputFile[]): Promise<OpenedModelRef> {
    return new Promise((resolve, reject) => {
      const call: OpenCall = { files, resolve, reject };
      this.opens.push(call);
      this.pending.add(call as Deferred<never>);
    });
  }

  async closeModel(id: string): Promise<void> {
    this.closed.push(id);
  }

  cancel(): void {
    this.restart('cancelled', cancelledError());
  }

  /** What the real client does when the worker dies. */
  crash(): void {
    this.restart('crashed', { code: 'worker-crashed', message: 'The studio worker stopped: out of memory.' });
  }

  onRestart(listener: (reason: 'cancelled' | 'crashed') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {}

  private restart(reason: 'cancelled' | 'crashed', error: StudioError): void {
    const pending = [...this.pending];
    this.pending.clear();
    for (const call of pending) call.reject(error);
    for (const listener of this.listeners) listener(reason);
  }
}

/** A small but complete inventory. */
export function inventory(params: number, name = 'model.json'): ModelInventory {
  return {
    format: 'layers-model',
    reader: 'tfjs-layers',
    modelJsonName: name,
    modelJsonBytes: 1000,
    inputs: [{ name: 'input', shape: [null, 784], dtype: 'float32' }],
    outputs: [{ name: 'output', shape: [null, 10], dtype: 'float32' }],
    params,
    weightBytes: params * 4,
    weights: [],
    warnings: [],
  };
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}
