/** Actions on the runtime slice. */
import { toStudioError } from '../studio-error';
import { studioClient } from './client';
import { studio } from './store';

/** Asks the worker what it can run; the worker starts TF.js when it loads, so this resolves once that is done. */
export async function loadRuntime(): Promise<void> {
  studio.setState({ runtimeError: null });
  try {
    studio.setState({ runtime: await studioClient().runtime() });
  } catch (thrown) {
    studio.setState({ runtimeError: toStudioError(thrown) });
  }
}
