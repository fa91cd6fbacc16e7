/**
 * Dropout draws its mask from TF.js's global random source unless its layer has a seed, so a model with Dropout
 * would train differently on every run. Giving each Dropout layer a new seed derived from the run's seed at every
 * step keeps training repeatable (a fixed seed would repeat one mask every step). The layers' own seeds come back
 * when training ends.
 */
import type * as tf from '@tensorflow/tfjs';
import type { TrainableModel } from './types';

const SEEDED = new Set(['Dropout', 'SpatialDropout1D']);

type Seeded = tf.layers.Layer & { seed?: number };

function dropoutLayers(layers: tf.layers.Layer[], out: Seeded[] = []): Seeded[] {
  for (const l of layers) {
    if (SEEDED.has(l.getClassName())) out.push(l as Seeded);
    const inner = (l as unknown as { layers?: tf.layers.Layer[] }).layers;
    if (Array.isArray(inner)) dropoutLayers(inner, out);
  }
  return out;
}

/** Seeds each Dropout layer of `model` for a step; `restore()` gives the layers their own seeds back. */
export function dropoutSeeder(model: Pick<TrainableModel, 'layers'>, runSeed: number): { seedStep(step: number): void; restore(): void } {
  const layers = dropoutLayers(model.layers);
  const own = layers.map((l) => l.seed);
  return {
    seedStep(step) {
      layers.forEach((l, i) => (l.seed = (Math.imul(runSeed + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b) ^ (i + 1)) >>> 0));
    },
    restore() {
      layers.forEach((l, i) => (l.seed = own[i]));
    },
  };
}
