/** An error where the user acted: what went wrong, in the core's own sentence, and the file or weight at fault. */
import type { StudioError } from '../../src/worker/api';
import { errorTitle } from '../studio-error';

export function ErrorAlert({ error, onDismiss }: { error: StudioError; onDismiss?: () => void }) {
  return (
    <div className="alert" role="alert">
      <div className="alert-body">
        <strong className="alert-title">{errorTitle(error.code)}</strong>
        <p className="alert-message">{error.message}</p>
        {(error.file !== undefined || error.weight !== undefined) && (
          <dl className="alert-where">
            {error.file !== undefined && (
              <>
                <dt>File</dt>
                <dd>
                  <code>{error.file}</code>
                </dd>
              </>
            )}
            {error.weight !== undefined && (
              <>
                <dt>Weight</dt>
                <dd>
                  <code>{error.weight}</code>
                </dd>
              </>
            )}
          </dl>
        )}
      </div>
      {onDismiss && (
        <button type="button" className="button ghost small" onClick={onDismiss} aria-label="Dismiss error">
          ✕
        </button>
      )}
    </div>
  );
}
