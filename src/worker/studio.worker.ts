/**
 * The studio worker: sets up TF.js (wasm binaries served by the app itself) as soon as it loads, and exposes the
 * studio API to the page with Comlink, long calls cancellable by id. All heavy work happens here, off the page's main thread.
 */
import { expose } from 'comlink';
import { createBrowserImageDecoder, hasBrowserImageDecoding } from '../data/browser-decoder';
import { limitsForDeviceMemory } from '../files/device-limits';
import { setDefaultLimits } from '../files/limits';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import { setupBackends } from '../runtime';
import { withCallSignals } from './call-signals';
import { sendErrorDetails } from './error-transfer';
import { comlinkTransfer, createStudioApi } from './studio-api';
import { wasmBinaryUrls } from './wasm-urls';

// Started at once so the runtime panel fills in while the user is still choosing a file.
const runtime = setupBackends({ wasmPaths: wasmBinaryUrls });

// A device that says how much memory it has gets budgets to match (refused with the size, before allocating).
setDefaultLimits(limitsForDeviceMemory((navigator as Navigator & { deviceMemory?: number }).deviceMemory));
sendErrorDetails();
// Long calls get an AbortController per call id, so Cancel stops the work and keeps the worker's models.
expose(
  withCallSignals(
    createStudioApi({
      runtime: () => runtime,
      openModel,
      inventoryOf,
      imageDecoder: hasBrowserImageDecoding() ? createBrowserImageDecoder : undefined,
      transfer: comlinkTransfer,
    }).api,
  ),
);
