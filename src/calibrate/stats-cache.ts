/**
 * Input statistics kept between runs of a recipe on the same model and data. A search applies dozens of candidate
 * recipes whose calibrated step finds the model unchanged (no pruning before it); capturing the same statistics
 * for each of them is most of a candidate's cost on a convolutional graph (the Gram matrices of its patches: for
 * the human emotion model, 28 s of a 51 s candidate). A hit returns exactly what a capture would: the key is
 * everything a capture reads — the topology, every weight's values (by identity: steps never write into an array
 * they were given, so an array that is the same object holds the same numbers), the data set and how many of its
 * samples — and the statistics are never written by their users (every solver copies the Gram matrix first).
 */
import type { Dataset } from '../evaluate/dataset';
import type { InputStats } from './capture';

export interface StatsKey {
  topology: unknown;
  /** Every weight's values array, in model order. */
  values: readonly unknown[];
  dataset: Dataset;
  samples: number;
  /** Whether the Gram matrices are wanted: statistics with them also serve a capture without. */
  gram: boolean;
}

interface Entry {
  key: StatsKey;
  stats: Map<string, InputStats>;
}

/** The last few captures (a search needs one or two: gptq's statistics, and the sums bias correction reads). */
export class InputStatsCache {
  private entries: Entry[] = [];
  /** Captures this cache has spared. */
  hits = 0;

  constructor(private readonly capacity = 2) {}

  /** The statistics of every weight in `weights` under `key`, if one capture gathered them all; else null. */
  get(key: StatsKey, weights: readonly string[]): Map<string, InputStats> | null {
    const entry = this.entries.find((e) => covers(e.key, key) && weights.every((w) => e.stats.has(w)));
    if (!entry) return null;
    this.hits++;
    this.entries = [entry, ...this.entries.filter((e) => e !== entry)];
    return new Map(weights.map((w) => [w, entry.stats.get(w)!]));
  }

  /**
   * Every weight's statistics one capture under `key` gathered (not counted as a hit: nothing was spared), for a
   * reader that wants whatever was covered rather than a given list: the search's output-error ranking.
   */
  peek(key: StatsKey): ReadonlyMap<string, InputStats> | null {
    return this.entries.find((e) => covers(e.key, key))?.stats ?? null;
  }

  put(key: StatsKey, stats: Map<string, InputStats>): void {
    this.entries = [{ key: { ...key, values: [...key.values] }, stats }, ...this.entries].slice(0, this.capacity);
  }
}

function covers(have: StatsKey, want: StatsKey): boolean {
  return (
    have.topology === want.topology &&
    have.dataset === want.dataset &&
    have.samples === want.samples &&
    (have.gram || !want.gram) &&
    have.values.length === want.values.length &&
    have.values.every((v, i) => v === want.values[i])
  );
}
