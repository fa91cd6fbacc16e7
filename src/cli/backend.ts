/**
 * The TF.js backend `pare eval` and `pare bench` measure on: wasm by default (in Node its SIMD binary, one
 * thread, loaded from node_modules), or the pure-JS cpu backend on request. Both go through the same
 * `setupBackends` the studio worker uses, so the CLI measures what the studio measures. TF.js is imported only
 * when a backend is set up: every command's file loads at start-up, and `pare inspect` starts faster without it.
 */
import { PareError } from '../errors';
import type { RuntimeInfo } from '../worker/api';

export const CLI_BACKENDS = ['wasm', 'cpu'] as const;
export type CliBackend = (typeof CLI_BACKENDS)[number];

/** The --backend value, checked; wasm when not given. */
export function parseBackend(value: string | undefined): CliBackend {
  const name = value ?? 'wasm';
  if (!(CLI_BACKENDS as readonly string[]).includes(name)) {
    throw new PareError('bad-options', `--backend must be one of ${CLI_BACKENDS.join(', ')}; found '${name}'.`);
  }
  return name as CliBackend;
}

/** What the wasm backend of this machine runs, as the JSON output reports it. */
export interface WasmRuntime {
  available: boolean;
  /** 'simd' in Node; null when wasm did not start. */
  binary: RuntimeInfo['wasm']['binary'];
  simd: boolean;
  threads: number;
}

/**
 * Sets up the backends once per process and makes `backend` the active one.
 *
 * @throws PareError('unsupported') when the backend cannot start here, saying why
 * @example
 *   const { backend, wasm } = await useBackend('wasm'); // wasm.simd === true in Node
 */
export async function useBackend(backend: CliBackend): Promise<{ backend: CliBackend; wasm: WasmRuntime; tfjsVersion: string }> {
  const [tf, { setupBackends }, { nodeWasmFolder }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../runtime/index'),
    import('../runtime/node-wasm'),
  ]);
  const info = await setupBackends({ wasmPaths: nodeWasmFolder(), preferred: backend, probe: false });
  const entry = info.backends.find((b) => b.name === backend);
  if (!entry?.available) {
    const other = backend === 'wasm' ? 'cpu' : 'wasm';
    throw new PareError('unsupported', `The ${backend} backend is not available here (${entry?.detail ?? 'not registered'}); try --backend ${other}.`);
  }
  // setupBackends settles once per process; a later call with another preference switches here.
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) {
    throw new PareError('unsupported', `The ${backend} backend did not start.`);
  }
  await tf.ready();
  const wasm: WasmRuntime = {
    available: info.backends.some((b) => b.name === 'wasm' && b.available),
    binary: info.wasm.binary,
    simd: info.wasm.simd,
    threads: info.wasm.threads,
  };
  return { backend, wasm, tfjsVersion: info.tfjsVersion };
}

/** "wasm (simd, 1 thread)" or "cpu (pure JavaScript)": the backend as the text output names it. */
export function backendText(backend: CliBackend, wasm: WasmRuntime): string {
  if (backend === 'cpu') return 'cpu (pure JavaScript)';
  return `wasm (${wasm.binary ?? 'unknown'} binary, ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'})`;
}

/**
 * Progress for long runs, on stderr and only when stderr is a terminal, so piped output and --json stay clean.
 * Returns a reporter and a function that clears the line.
 */
export function terminalProgress(label: string): { report: (done: number, total: number, etaMs: number | null) => void; clear: () => void } {
  const stream = process.stderr;
  if (!stream.isTTY) return { report: () => {}, clear: () => {} };
  let last = 0;
  let shown = false;
  return {
    report(done, total, etaMs) {
      const now = performance.now();
      if (now - last < 100 && done < total) return; // a terminal does not need 1,000 updates a second
      last = now;
      shown = true;
      const left = etaMs === null ? '' : `, about ${Math.ceil(etaMs / 1000)} s left`;
      stream.write(`\r${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}${left}\x1b[K`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
