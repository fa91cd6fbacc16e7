import { describe, expect, it } from 'vitest';
import type { JobOptions, Measurement, StudioApi } from './api';
import { CallSignals, withCallSignals } from './call-signals';

/** A studio whose measure reports what it was given and waits for its signal. */
function recordingStudio() {
  const seen: (JobOptions | undefined)[] = [];
  const api = {
    measure: (_m: string, _v: string | null, _o: unknown, job?: JobOptions) => {
      seen.push(job);
      return new Promise<Measurement>((resolve, reject) => {
        if (!job?.signal) return resolve({} as Measurement);
        job.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
  } as unknown as StudioApi;
  return { api, seen };
}

type Wire = (modelId: string, variantId: string | null, options: unknown, callId: string, onProgress?: unknown) => Promise<Measurement>;

describe('withCallSignals', () => {
  it('turns a call id and progress callback into a live signal, aborted by abortCalls, and forgets it after', async () => {
    const { api, seen } = recordingStudio();
    const signals = new CallSignals();
    const wrapped = withCallSignals(api, signals);
    const onProgress = () => {};
    const running = (wrapped.measure as unknown as Wire)('model-1', null, {}, 'call-7', onProgress);
    expect(signals.size).toBe(1);
    expect(seen[0]?.onProgress).toBe(onProgress);
    expect(seen[0]?.signal?.aborted).toBe(false);
    await wrapped.abortCalls(['call-3', 'call-7']); // an unknown id is ignored
    await expect(running).rejects.toThrow('aborted');
    expect(seen[0]?.signal?.aborted).toBe(true);
    expect(signals.size).toBe(0);
  });

  it('passes in-process JobOptions through unchanged', async () => {
    const { api, seen } = recordingStudio();
    const wrapped = withCallSignals(api);
    const job: JobOptions = {};
    await wrapped.measure('model-1', null, { dataId: null }, job);
    expect(seen[0]).toBe(job);
  });
});
