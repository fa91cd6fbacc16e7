/**
 * The samples training reads: a data set held in memory (lazily decoded sets are decoded once, within a budget),
 * split into training and validation samples with the run's seed, and drawn in a new seeded order every epoch.
 */
import type { Dataset } from '../evaluate/dataset';
import { sampleSize } from '../evaluate/dataset';
import { PareError } from '../errors';
import { seededRandom } from '../seeded-random';

/** Samples in memory: `inputs` row-major, one label per sample or null. */
export interface SampleSet {
  inputs: Float32Array;
  labels: Int32Array | null;
  count: number;
  per: number;
  sampleShape: number[];
}

/** Decoded floats a lazily read data set may take in memory for training (1 GiB). */
const MAX_DECODED_BYTES = 2 ** 30;

/** The data set's samples in memory: views of an in-memory set, or every batch of a lazy one decoded once. */
export async function samplesOf(data: Dataset, what: string): Promise<SampleSet> {
  const per = sampleSize(data.sampleShape);
  if (data.inputs) {
    const count = data.inputs.length / per;
    return { inputs: data.inputs, labels: data.labels, count, per, sampleShape: data.sampleShape };
  }
  if (data.size * per * 4 > MAX_DECODED_BYTES) {
    throw new PareError('bad-data', `${what} has ${data.size.toLocaleString('en-US')} samples of ${per.toLocaleString('en-US')} values: ${Math.round((data.size * per * 4) / 2 ** 20).toLocaleString('en-US')} MB decoded, over the ${MAX_DECODED_BYTES / 2 ** 20} MB training holds in memory; use fewer or smaller images.`);
  }
  const inputs = new Float32Array(data.size * per);
  const labels = data.labelled ? new Int32Array(data.size) : null;
  let count = 0;
  for (let start = 0; start < data.size; start += 256) {
    const b = await data.batch(start, Math.min(data.size, start + 256));
    inputs.set(b.inputs.subarray(0, b.count * per), count * per);
    if (labels && b.labels) labels.set(b.labels.subarray(0, b.count), count);
    count += b.count;
  }
  return { inputs: inputs.subarray(0, count * per), labels: labels ? labels.subarray(0, count) : null, count, per, sampleShape: data.sampleShape };
}

/** 0 .. n-1 in the order of a Fisher–Yates shuffle driven by `random`. */
export function shuffled(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** The samples at `indices`, copied into one new set (in that order). */
export function pick(set: SampleSet, indices: Int32Array): SampleSet {
  const inputs = new Float32Array(indices.length * set.per);
  const labels = set.labels ? new Int32Array(indices.length) : null;
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    inputs.set(set.inputs.subarray(i * set.per, (i + 1) * set.per), j * set.per);
    if (labels) labels[j] = set.labels![i]!;
  }
  return { inputs, labels, count: indices.length, per: set.per, sampleShape: set.sampleShape };
}

/**
 * Holds out round(fraction * count) samples, chosen at random with `seed` (data sets sorted by class, as image
 * folders are, would otherwise validate on the last classes only). Both parts keep the data set's order.
 */
export function splitValidation(set: SampleSet, fraction: number, seed: number): { train: SampleSet; validation: SampleSet } {
  const held = Math.round(fraction * set.count);
  const order = shuffled(set.count, seededRandom(seed ^ 0x5eed));
  const val = order.slice(0, held).sort();
  const train = order.slice(held).sort();
  return { train: pick(set, train), validation: pick(set, val) };
}

/** Fills `into` with the inputs (and `labelsInto` with the labels) of samples order[from .. to). */
export function gather(set: SampleSet, order: Int32Array, from: number, to: number, into: Float32Array, labelsInto: Int32Array | null): void {
  for (let j = from; j < to; j++) {
    const i = order[j]!;
    into.set(set.inputs.subarray(i * set.per, (i + 1) * set.per), (j - from) * set.per);
    if (labelsInto) labelsInto[j - from] = set.labels![i]!;
  }
}
