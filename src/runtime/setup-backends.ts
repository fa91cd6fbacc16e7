/**
 * TF.js backend set-up shared by the studio worker and the CLI: registers the wasm backend with its binaries,
 * tells which of the three binaries actually loaded, checks the cpu backend, and probes webgl/webgpu where the
 * platform has them. Nothing here knows about Vite: the worker passes URLs it got from its bundler, the CLI a
 * node_modules folder.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../train/kernels/register';
import type { BackendInfo, RuntimeInfo, WasmBinary } from '../worker/api';

export type WasmBinaryFile =
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';

/** A folder (URL or path, ending in '/') holding the three binaries, or one URL per binary. */
export type WasmPaths = string | Record<WasmBinaryFile, string>;

export type PreferredBackend = 'wasm' | 'cpu' | 'webgl';

export interface SetupOptions {
  /** Where the .wasm binaries are. Without it the wasm backend looks next to its own script, which fails in a bundle. */
  wasmPaths?: WasmPaths;
  /** The backend to leave active; when it cannot start, wasm, then cpu, is used instead. Default 'wasm'. */
  preferred?: PreferredBackend;
  /** Threads for the threaded wasm binary (setThreadsCount); default: the backend's own choice. */
  threads?: number;
  /** Whether to start webgl and look for a WebGPU adapter, to report them. Default true. */
  probe?: boolean;
}

let pending: Promise<RuntimeInfo> | null = null;

/**
 * Sets up TF.js's backends once per process (or worker) and reports what this machine can run.
 * Later calls return the first call's result, whatever their options: wasm paths cannot change after the
 * backend has started.
 *
 * @example
 *   // In Node, with the binaries from node_modules:
 *   const info = await setupBackends({ wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
 *   info.wasm.binary; // 'simd'
 */
export function setupBackends(options: SetupOptions = {}): Promise<RuntimeInfo> {
  pending ??= runSetup(options);
  return pending;
}

async function runSetup(options: SetupOptions): Promise<RuntimeInfo> {
  const preferred = options.preferred ?? 'wasm';
  // Quiets the "use tfjs-node" hint in Node and skips debug checks; results are unaffected.
  tf.enableProdMode();
  // Gradient kernels wasm lacks, so training works wherever the backends are set up (worker and Node alike).
  registerWasmTrainingKernels();
  const crossOriginIsolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

  const wasm = await startWasm(options);
  const backends: BackendInfo[] = [wasm.info, await startBackend('cpu', () => 'pure JavaScript kernels')];
  if (options.probe !== false) {
    backends.push(await probeWebgl(), await probeWebgpu());
  }

  const order: string[] = [preferred, 'wasm', 'cpu'];
  let active = 'cpu';
  for (const name of order) {
    if (backends.some((b) => b.name === name && b.available) && (await tf.setBackend(name))) {
      active = name;
      break;
    }
  }
  await tf.ready();

  return {
    backends,
    active,
    wasm: { binary: wasm.binary, simd: wasm.simd, threads: wasm.threads, crossOriginIsolated },
    tfjsVersion: tf.version.tfjs,
    cores: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? null,
  };
}

interface WasmState {
  info: BackendInfo;
  binary: WasmBinary | null;
  simd: boolean;
  threads: number;
}

async function startWasm(options: SetupOptions): Promise<WasmState> {
  try {
    // setWasmPaths must run before the backend starts; it throws if a start was already attempted and aborted.
    if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
    if (options.threads !== undefined) setThreadsCount(options.threads);
  } catch (e) {
    return wasmUnavailable(`could not be configured: ${messageOf(e)}`);
  }
  if (!(await tf.setBackend('wasm'))) {
    return wasmUnavailable(
      options.wasmPaths === undefined
        ? 'did not start: no wasm paths were given, so its .wasm binary was not found'
        : 'did not start: its .wasm binary failed to load or compile',
    );
  }
  await tf.ready();
  if (!computesCorrectly()) {
    return wasmUnavailable('started, but a self-check matrix product gave a wrong answer');
  }
  // The flags are what the backend itself used to choose its binary, so they tell which one loaded.
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const binary: WasmBinary = simd && multithread ? 'threaded-simd' : simd ? 'simd' : 'plain';
  const threads = binary === 'threaded-simd' ? getThreadsCount() : 1;
  return {
    info: { name: 'wasm', available: true, detail: `${binary}, ${threads} thread${threads === 1 ? '' : 's'}` },
    binary,
    simd,
    threads,
  };
}

/** A tiny product on the active backend: a binary that loaded but cannot run (e.g. broken threads) fails here. */
function computesCorrectly(): boolean {
  try {
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());
    return product[0] === 17 && product[1] === 39;
  } catch {
    return false;
  }
}

function wasmUnavailable(detail: string): WasmState {
  return { info: { name: 'wasm', available: false, detail }, binary: null, simd: false, threads: 0 };
}

async function startBackend(name: BackendInfo['name'], describe: () => string): Promise<BackendInfo> {
  if (tf.findBackendFactory(name) == null) {
    return { name, available: false, detail: 'not registered in this build of TF.js' };
  }
  try {
    if (await tf.setBackend(name)) return { name, available: true, detail: describe() };
    return { name, available: false, detail: 'TF.js could not start it here' };
  } catch (e) {
    return { name, available: false, detail: `failed to start: ${messageOf(e)}` };
  }
}

async function probeWebgl(): Promise<BackendInfo> {
  const g = globalThis as { OffscreenCanvas?: unknown; document?: unknown };
  // In Node (and in workers without OffscreenCanvas) there is no GL context to ask for: do not even try.
  if (g.OffscreenCanvas === undefined && g.document === undefined) {
    return { name: 'webgl', available: false, detail: 'no canvas in this environment' };
  }
  return startBackend('webgl', () => `WebGL ${tf.env().getNumber('WEBGL_VERSION')}`);
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

async function probeWebgpu(): Promise<BackendInfo> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu === undefined) return { name: 'webgpu', available: false, detail: 'not present in this environment' };
  let adapter: unknown = null;
  try {
    // Some drivers never answer; a missing answer means "no adapter" for our purposes.
    adapter = await Promise.race([gpu.requestAdapter(), new Promise((r) => setTimeout(() => r(null), 3000))]);
  } catch {
    adapter = null;
  }
  if (adapter == null) return { name: 'webgpu', available: false, detail: 'navigator.gpu is present but gave no adapter' };
  if (tf.findBackendFactory('webgpu') == null) {
    return {
      name: 'webgpu',
      available: false,
      detail: 'an adapter is present, but Pare does not bundle the TF.js WebGPU backend',
    };
  }
  return startBackend('webgpu', () => 'WebGPU adapter');
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
