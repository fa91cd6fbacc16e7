import { describe, expect, it } from 'vitest';
import { abortPoints } from './abort-points';

/** A loop like the evaluation's on the cpu backend: each await resolves a microtask, never a task. */
async function microtaskLoop(signal: AbortSignal | undefined, iterations: number, withAbortPoints: boolean): Promise<number> {
  const abortPoint = abortPoints(signal);
  const start = Date.now();
  let i = 0;
  for (; i < iterations; i++) {
    if (withAbortPoints) await abortPoint();
    if (signal?.aborted) break;
    while (Date.now() - start < i) await Promise.resolve(); // about 1 ms of "work" per iteration
  }
  return i;
}

describe('abortPoints', () => {
  it('lets an abort sent as a message (as the page sends it) reach a loop that only awaits microtasks', async () => {
    const controller = new AbortController();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => controller.abort();
    setTimeout(() => channel.port2.postMessage('abort'), 10);
    const ran = await microtaskLoop(controller.signal, 400, true);
    channel.port1.close();
    expect(controller.signal.aborted).toBe(true);
    expect(ran).toBeLessThan(400);
  });

  it('is needed: without it the same loop runs to its end before the abort arrives', async () => {
    const controller = new AbortController();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => controller.abort();
    setTimeout(() => channel.port2.postMessage('abort'), 10);
    const ran = await microtaskLoop(controller.signal, 100, false);
    channel.port1.close();
    expect(ran).toBe(100);
  });

  it('never yields when there is no signal to watch', async () => {
    let task = false;
    setTimeout(() => (task = true), 0);
    const abortPoint = abortPoints(undefined);
    const start = Date.now();
    while (Date.now() - start < 40) await abortPoint();
    expect(task).toBe(false);
  });
});
