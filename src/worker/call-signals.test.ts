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
    const reports: unknown[] = [];
    const onProgress = (p: unknown) => void reports.push(p);
    const running = (wrapped.measure as unknown as Wire)('model-1', null, {}, 'call-7', onProgress);
    expect(signals.size).toBe(1);
    seen[0]?.onProgress?.({ phase: 'accuracy', done: 1, total: 2, etaMs: null });
    expect(reports).toEqual([{ phase: 'accuracy', done: 1, total: 2, etaMs: null }]);
    expect(seen[0]?.signal?.aborted).toBe(false);
    await wrapped.abortCalls(['call-3', 'call-7']); // an unknown id is ignored
    await expect(running).rejects.toThrow('aborted');
    expect(seen[0]?.signal?.aborted).toBe(true);
    expect(signals.size).toBe(0);
  });

  it('settles only after the page has handled every report the call sent, even one sent last', async () => {
    // The page's callback answers late, as a Comlink proxy does when its port's message arrives after the result.
    let answer = () => {};
    const late = new Promise<void>((resolve) => (answer = resolve));
    const api = {
      measure: async (_m: string, _v: string | null, _o: unknown, job?: JobOptions) => {
        job?.onProgress?.({ phase: 'accuracy', done: 1, total: 1, etaMs: null });
        return { accuracy: 0.5 } as unknown as Measurement;
      },
    } as unknown as StudioApi;
    const wrapped = withCallSignals(api);
    let settled = false;
    const running = (wrapped.measure as unknown as Wire)('model-1', null, {}, 'call-1', () => late).then((m) => ((settled = true), m));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(settled).toBe(false);
    answer();
    await expect(running).resolves.toEqual({ accuracy: 0.5 });
    // A report the page refused (it went away) does not fail the call.
    const refusing = (wrapped.measure as unknown as Wire)('model-1', null, {}, 'call-2', () => Promise.reject(new Error('port closed')));
    await expect(refusing).resolves.toEqual({ accuracy: 0.5 });
  });

  it('passes in-process JobOptions through unchanged', async () => {
    const { api, seen } = recordingStudio();
    const wrapped = withCallSignals(api);
    const job: JobOptions = {};
    await wrapped.measure('model-1', null, { dataId: null }, job);
    expect(seen[0]).toBe(job);
  });
});
