/**
 * Masks keep pruned weights at exactly zero while training: the gradient is masked before the optimizer sees it
 * (so no momentum builds up at a pruned weight), and the weight is masked again after each update (a mask that
 * grew during gradual pruning may sit on momentum from before).
 */
import * as tf from '@tensorflow/tfjs';

/** A 0/1 mask with a 0 where `values` holds an exact zero. */
export function maskOfZeros(values: Float32Array): Float32Array {
  const mask = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) mask[i] = values[i] === 0 ? 0 : 1;
  return mask;
}

/** The masks on the backend, keyed by the variable they mask (tf.Variable name). */
export class MaskSet {
  private readonly byVariable = new Map<string, { variable: tf.Variable; mask: tf.Tensor }>();

  /** Sets (or replaces) the mask of `variable`. */
  set(variable: tf.Variable, mask: Float32Array): void {
    this.byVariable.get(variable.name)?.mask.dispose();
    this.byVariable.set(variable.name, { variable, mask: tf.keep(tf.tensor(mask, variable.shape)) });
  }

  get size(): number {
    return this.byVariable.size;
  }

  /** Multiplies the gradients of masked variables by their masks (new tensors; the old ones are disposed). */
  maskGradients(grads: tf.NamedTensorMap): void {
    for (const [name, { mask }] of this.byVariable) {
      const g = grads[name];
      if (!g) continue;
      grads[name] = tf.mul(g, mask);
      g.dispose();
    }
  }

  /** Writes each masked variable times its mask back into the variable, with +0 (not -0) where it masks. */
  maskWeights(): void {
    tf.tidy(() => {
      // w * 0 is -0 for a negative w; adding +0 makes it +0, so the stored bytes of a zero are always the same.
      for (const { variable, mask } of this.byVariable.values()) variable.assign(tf.add(tf.mul(variable, mask), 0));
    });
  }

  dispose(): void {
    for (const { mask } of this.byVariable.values()) mask.dispose();
    this.byVariable.clear();
  }
}
