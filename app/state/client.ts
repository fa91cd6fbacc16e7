/** Which worker client the actions talk to: the real one in the page, a fake in tests. */
import type { StudioClient } from '../worker-client';

let current: StudioClient | null = null;
let unsubscribe: (() => void) | null = null;
const restartHandlers = new Set<(reason: 'cancelled' | 'crashed') => void>();

/** Installs the client the actions use, replacing (not disposing) any previous one. */
export function setStudioClient(client: StudioClient): void {
  unsubscribe?.();
  current = client;
  unsubscribe = client.onRestart((reason) => {
    for (const handler of restartHandlers) handler(reason);
  });
}

/** The installed client; actions call this. */
export function studioClient(): StudioClient {
  if (current === null) throw new Error('No studio client: call setStudioClient first.');
  return current;
}

/** Lets action modules react when the worker was replaced (its models are gone). */
export function onClientRestart(handler: (reason: 'cancelled' | 'crashed') => void): void {
  restartHandlers.add(handler);
}
