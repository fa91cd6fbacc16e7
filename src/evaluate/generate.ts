/**
 * Generated inputs: for fidelity when the user has no data (a weak proxy, and said so), and for latency runs.
 * Values are uniform over the range the preprocessing produces from 8-bit pixels (e.g. [0, 1] or [-1, 1]), or
 * [0, 1] for tabular features, from a seeded generator so runs are repeatable.
 */
import { inMemoryDataset, plural, type Dataset } from './dataset';
import { scaleCoefficients } from './pixels';
import type { Preprocessing } from './preprocessing';
import { seededRandom } from '../seeded-random';

/**
 * Fills `count` samples of `per` values each, channel-interleaved, in the preprocessing's range.
 * Integer inputs (scale '0,255' with dtype int32) get whole numbers 0..255.
 */
export function generateValues(
  count: number,
  per: number,
  p: Pick<Preprocessing, 'kind' | 'channels' | 'scale'>,
  seed = 1,
  integer = false,
): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(count * per);
  if (p.kind === 'features') {
    for (let i = 0; i < out.length; i++) out[i] = random();
    return out;
  }
  const c = p.channels;
  const { div, add } = scaleCoefficients(p.scale, c);
  for (let i = 0; i < out.length; i++) {
    const pixel = integer ? Math.floor(random() * 256) : random() * 255;
    out[i] = pixel / div[i % c] + add[i % c];
  }
  return out;
}

/**
 * An unlabelled Dataset of generated samples.
 *
 * @example
 *   generatedDataset(256, [28, 28, 1], inferPreprocessing([null, 28, 28, 1]))
 */
export function generatedDataset(
  count: number,
  sampleShape: number[],
  p: Preprocessing,
  options: { seed?: number; integer?: boolean } = {},
): Dataset {
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const inputs = generateValues(count, per, p, options.seed ?? 1, options.integer ?? false);
  const range = p.kind === 'features' ? 'uniform in [0, 1]' : 'uniform random pixels, ' + p.description.replace(/^Images are /, '').replace(/\.$/, '');
  return inMemoryDataset({
    kind: 'generated',
    sampleShape,
    classNames: [],
    classSource: 'none',
    labelled: false,
    preprocessing: p,
    skipped: [],
    description: `${plural(count, 'generated sample')} (${range}): a weak proxy for real data.`,
    inputs,
    labels: null,
  });
}
