/** The jobs slice: the one long job running in the worker (apply, measure, export), its progress. */
import type { JobProgress } from '../../src/worker/api';

export type JobKind = 'apply' | 'measure' | 'export' | 'search' | 'sensitivity' | 'retarget' | 'train';

export interface Job {
  kind: JobKind;
  /** What the job is about, for the status line: 'Variant 2 (50% global · uint8)'. */
  label: string;
  /** Steps of the job ('apply', 'measure original', ...) done out of total, for the bar. */
  step: number;
  steps: number;
  stepLabel: string;
  progress: JobProgress | null;
  startedAt: number;
  /** Set once Cancel was pressed: the worker is stopping the job. */
  cancelling?: boolean;
}

export interface JobsSlice {
  job: Job | null;
}

export function initialJobsSlice(): JobsSlice {
  return { job: null };
}
