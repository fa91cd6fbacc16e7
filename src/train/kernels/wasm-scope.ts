/**
 * Runs kernels of one backend directly (not through tf ops), so a gradient kernel built from other kernels adds
 * nothing to the engine's tape or tensor count, and frees every intermediate it made once the result is known.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type Inputs = Record<string, Info> | Info[];

/** Runs `name` on the scope's backend; the output is freed when the scope ends unless it is the result. */
export type RunKernel = (name: string, inputs: Inputs, attrs?: Record<string, unknown>) => Info;

export interface KernelScope {
  run: RunKernel;
  reshape(x: Info, shape: number[]): Info;
  transpose(x: Info, perm: number[]): Info;
  pad(x: Info, paddings: [number, number][]): Info;
  slice(x: Info, begin: number[], size: number[]): Info;
}

/**
 * Calls `body` with kernels of `backendName` and returns its result; every other tensor it made is disposed.
 * @example
 *   return inKernelScope('wasm', backend, (k) => k.transpose(x, [1, 0]));
 */
export function inKernelScope(backendName: string, backend: tf.KernelBackend, body: (k: KernelScope) => Info): Info {
  const made: Info[] = [];
  const run: RunKernel = (name, inputs, attrs = {}) => {
    const kernel = tf.getKernel(name, backendName);
    if (!kernel) throw new Error(`The ${backendName} backend has no '${name}' kernel, which a Pare gradient kernel is built from.`);
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
    made.push(out);
    return out;
  };
  const scope: KernelScope = {
    run,
    reshape: (x, shape) => run('Reshape', { x }, { shape }),
    transpose: (x, perm) => (perm.every((p, i) => p === i) ? x : run('Transpose', { x }, { perm })),
    pad: (x, paddings) => (paddings.every(([a, b]) => a === 0 && b === 0) ? x : run('PadV2', { x }, { paddings, constantValue: 0 })),
    slice: (x, begin, size) => (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i]) ? x : run('Slice', { x }, { begin, size })),
  };
  let result: Info | undefined;
  try {
    result = body(scope);
    // A result that is one of the inputs gets its own reference, as the engine disposes outputs and inputs apart.
    if (!made.includes(result)) result = run('Identity', { x: result });
    return result;
  } finally {
    // Reshape shares its input's buffer and counts a reference, so each made tensor is released once.
    for (const t of made) if (t !== result) backend.disposeData(t.dataId);
  }
}
