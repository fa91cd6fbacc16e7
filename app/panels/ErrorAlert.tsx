/** An error where the user acted: what went wrong, in the core's own sentence, and the file or weight at fault. */
import type { StudioError } from '../../src/worker/api';
import { errorTitle } from '../studio-error';

/** `title` replaces the code's title; `fallback` is the title for codes without one of their own. */
export function ErrorAlert({
  error,
  onDismiss,
  title,
  fallback,
}: {
  error: StudioError;
  onDismiss?: () => void;
  title?: string;
  fallback?: string;
}) {
  return (
    <div className="alert" role="alert">
      <div className="alert-body">
        <strong className="alert-title">{title ?? errorTitle(error.code, fallback)}</strong>
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
