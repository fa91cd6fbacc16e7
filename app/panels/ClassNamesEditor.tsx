/**
 * The class mapping's editor: the class names in output order, one per line, prefilled with the names in use.
 * The names are checked as the user types (one per output, non-empty, unique); Save opens the data again with
 * them, and a failure keeps the editor open with the worker's sentence while the previous data stays in use.
 */
import { useId, useState } from 'react';
import type { StudioError } from '../../src/worker/api';
import { classNamesFromText, classNamesProblem } from '../../src/worker/class-names';
import { setDataClassNames } from '../state/actions';
import { ErrorAlert } from './ErrorAlert';

export function ClassNamesEditor({
  classNames,
  edited,
  outputWidth,
}: {
  classNames: string[];
  /** Whether the names in use are the user's own (offers going back to the data's and model's). */
  edited: boolean;
  outputWidth: number | null;
}) {
  const [text, setText] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<StudioError | null>(null);
  const problemId = useId();

  async function save(names: string[] | undefined) {
    setSaving(true);
    setError(null);
    const failed = await setDataClassNames(names);
    setSaving(false);
    if (failed) setError(failed);
    else setText(null);
  }

  if (text === null) {
    return (
      <div className="class-edit-actions">
        <button type="button" className="button small" onClick={() => setText(classNames.join('\n'))}>
          Edit classes
        </button>
        {edited && (
          <button type="button" className="button ghost small" disabled={saving} onClick={() => void save(undefined)}>
            Use the original names
          </button>
        )}
        {error && <ErrorAlert error={error} onDismiss={() => setError(null)} fallback="Could not use these class names" />}
      </div>
    );
  }

  const names = classNamesFromText(text);
  const problem = classNamesProblem(names, outputWidth);
  return (
    <form
      className="class-editor"
      aria-label="Edit class names"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && !saving) void save(names);
      }}
    >
      <label className="class-editor-label">
        <span>Class names in output order, one per line (line 1 is output 0)</span>
        <textarea
          className="input mono"
          rows={Math.min(12, Math.max(4, names.length + 1))}
          value={text}
          spellCheck={false}
          aria-invalid={problem !== null}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
        />
      </label>
      {problem && (
        <p id={problemId} className="field-error" data-testid="class-names-problem">
          {problem}
        </p>
      )}
      {error && <ErrorAlert error={error} onDismiss={() => setError(null)} fallback="Could not use these class names" />}
      <div className="class-edit-actions">
        <button type="submit" className="button small accent-outline" disabled={problem !== null || saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="button ghost small"
          disabled={saving}
          onClick={() => {
            setText(null);
            setError(null);
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
