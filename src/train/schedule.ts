/**
 * Gradual pruning on the cubic schedule of Zhu & Gupta (2017): sparsity rises quickly while the network has many
 * redundant weights and slowly as it approaches the target,
 *   s_t = s_f + (s_i - s_f) * (1 - (t - t0) / (t1 - t0))^3,   t0 <= t <= t1,
 * with the weights pruned by magnitude every `every` steps from t0 and, last, exactly at t1. After t1 the masks are
 * fixed and training only recovers.
 */

export interface GradualSchedule {
  /** s_i: the sparsity of the first update (at `beginStep`). */
  from: number;
  /** s_f: the sparsity from `endStep` on. */
  to: number;
  /** t0: the training step (0-based batch count) of the first update. */
  beginStep: number;
  /** t1: the step of the last update, where the sparsity reaches `to`. */
  endStep: number;
  /** Δt: steps between updates. */
  every: number;
}

/** The schedule's target at step t (s_i before t0, s_f from t1 on). */
export function sparsityAt(s: GradualSchedule, step: number): number {
  if (s.endStep <= s.beginStep) return step < s.beginStep ? s.from : s.to;
  if (step <= s.beginStep) return s.from;
  if (step >= s.endStep) return s.to;
  const progress = (step - s.beginStep) / (s.endStep - s.beginStep);
  return s.to + (s.from - s.to) * (1 - progress) ** 3;
}

/** The steps at which weights are pruned, with the sparsity each update prunes to, in order. */
export function pruneUpdates(s: GradualSchedule): { step: number; sparsity: number }[] {
  const every = Math.max(1, Math.floor(s.every));
  const out: { step: number; sparsity: number }[] = [];
  for (let t = s.beginStep; t < s.endStep; t += every) out.push({ step: t, sparsity: sparsityAt(s, t) });
  out.push({ step: Math.max(s.beginStep, s.endStep), sparsity: s.to });
  return out;
}

/**
 * The schedule of a run of `totalSteps` steps: from the first step to `until` of the run (the rest recovers with
 * fixed masks), with about 30 updates unless `every` says.
 */
export function scheduleFor(from: number, to: number, totalSteps: number, until = 0.75, every?: number): GradualSchedule {
  const endStep = Math.max(0, Math.min(totalSteps - 1, Math.round(until * totalSteps)));
  return { from, to, beginStep: 0, endStep, every: every ?? Math.max(1, Math.round(endStep / 30)) };
}
