/** The feedback slice: what the last job on the open model said, shown in the panel where it was started. */
import type { StudioError } from '../../src/worker/api';
import type { JobKind } from './jobs-slice';

export interface Notice {
  /** The kind of job the notice answers (its panel shows it). */
  job: JobKind;
  text: string;
}

export interface FeedbackSlice {
  /** The last job's error (its kind says which panel shows it). */
  jobError: (StudioError & { job?: JobKind }) | null;
  /** Something the last action did that the user might not see otherwise ('already variant B: selected it'). */
  notice: Notice | null;
}

export function initialFeedbackSlice(): FeedbackSlice {
  return { jobError: null, notice: null };
}
