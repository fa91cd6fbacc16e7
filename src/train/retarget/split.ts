/**
 * The validation split of retarget: a share of each class's samples, chosen with the step's seed and kept apart
 * from training, so the epoch kept is chosen on samples the head never learned from.
 */
import { seededRandom } from '../../seeded-random';

/** Fisher–Yates shuffle of `items` in place with `random`. */
export function shuffleInPlace<T>(items: T[] | Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/**
 * Sample indices for training and validation: round(share * n) of each class's n samples go to validation
 * (never all of them), in an order that depends only on the labels and the seed.
 * @example validationSplit(labels, 0.2, 1) // { train: Int32Array [...], validation: Int32Array [...] }
 */
export function validationSplit(labels: Int32Array, share: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const random = seededRandom(seed);
  const train: number[] = [];
  const validation: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const indices = byClass.get(c)!;
    shuffleInPlace(indices, random);
    const n = Math.min(Math.round(share * indices.length), indices.length - 1);
    validation.push(...indices.slice(0, n));
    train.push(...indices.slice(n));
  }
  const sorted = (xs: number[]) => Int32Array.from(xs.sort((a, b) => a - b));
  return { train: sorted(train), validation: sorted(validation) };
}
