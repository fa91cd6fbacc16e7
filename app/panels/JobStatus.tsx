/** The running job: what it does, a progress bar, time left, and Cancel. */
import type { JobPhase } from '../../src/worker/api';
import { cancelJob, dismissJobError, dismissNotice } from '../state/actions';
import type { JobKind } from '../state/jobs-slice';
import { useStudio } from '../state/use-studio';
import { formatCount, formatEta } from '../../src/text/wording';
import { ErrorAlert } from './ErrorAlert';

const phaseText: Record<JobPhase, string> = {
  apply: 'pruning and quantizing',
  size: 'writing the export to measure its size',
  accuracy: 'accuracy',
  fidelity: 'agreement with the original',
  latency: 'latency',
  export: 'zipping',
  data: 'reading data',
  search: 'recipes tried',
  sensitivity: 'layers measured',
  train: 'epochs trained',
};

/** The job's status, shown only for the kinds of job started from the panel it sits in. */
export function JobStatus({ kinds }: { kinds: JobKind[] }) {
  const job = useStudio((s) => s.job);
  if (!job || !kinds.includes(job.kind)) return null;
  const p = job.progress;
  // Whole-job fraction: finished steps plus the share of the current one.
  const within = p && p.total > 0 ? p.done / p.total : 0;
  const fraction = job.steps > 0 ? Math.min(1, (job.step - 1 + within) / job.steps) : 0;
  return (
    <div className="job" role="status" aria-label="Job in progress" data-testid="job-status">
      <div className="job-text">
        <span className="spinner" aria-hidden="true" />
        <span>
          <strong>{job.stepLabel || job.label}</strong>
          {p && (
            <span className="muted">
              {' '}
              · {job.kind === 'retarget' && p.phase === 'apply' ? 'feature batches and epochs' : phaseText[p.phase]}
              {p.total > 1 && ` ${formatCount(p.done)}/${formatCount(p.total)}`}
              {p.etaMs !== null && p.done < p.total && p.etaMs > 1500 && `, ${formatEta(p.etaMs)} left`}
            </span>
          )}
        </span>
        <span className="muted job-steps">
          step {Math.max(1, job.step)} of {job.steps}
        </span>
      </div>
      <div className="job-bar">
        <progress max={1} value={fraction} aria-label="Progress" />
        <button type="button" className="button small" onClick={cancelJob} disabled={job.cancelling === true}>
          {job.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}

/** The last job's error, or its notice (a cancel, a recipe that already had a variant), where that kind of job is started. */
export function JobError({ kinds, fallback }: { kinds: JobKind[]; fallback: string }) {
  const error = useStudio((s) => s.jobError);
  const notice = useStudio((s) => s.notice);
  if (error && (error.job === undefined || kinds.includes(error.job))) {
    return <ErrorAlert error={error} onDismiss={dismissJobError} fallback={fallback} />;
  }
  if (!notice || !kinds.includes(notice.job)) return null;
  return (
    <p className="status" role="status" data-testid="job-notice">
      <span className="status-text">{notice.text}</span>
      <button type="button" className="button small" onClick={dismissNotice}>
        Dismiss
      </button>
    </p>
  );
}
