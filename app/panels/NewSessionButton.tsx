/**
 * "New session", asked first: it forgets the open model, the data and every variant, here and in storage, so
 * one click must not do it. With nothing to lose it starts at once.
 */
import { useEffect, useRef, useState } from 'react';
import { formatCount } from '../../src/text/wording';
import { newSession } from '../state/actions';
import { useStudio } from '../state/use-studio';
import { ORIGINAL } from '../state/variants-slice';

/** What a new session would forget, in words, or null when there is nothing. */
function whatIsLost(model: string | null, data: string | null, variants: number): string | null {
  const parts: string[] = [];
  if (model) parts.push(`the model ${model}`);
  if (data) parts.push(`the data ${data}`);
  if (variants > 0) parts.push(`${formatCount(variants)} variant${variants === 1 ? '' : 's'}`);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function NewSessionButton() {
  const model = useStudio((s) => s.model?.source.label ?? null);
  const data = useStudio((s) => s.data?.source.label ?? null);
  const variants = useStudio((s) => s.variants.filter((v) => v.id !== ORIGINAL).length);
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const lost = whatIsLost(model, data, variants);

  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);

  const keep = () => {
    setAsking(false);
    // Back to where the user was, not to <body>.
    requestAnimationFrame(() => opener.current?.focus());
  };

  if (!asking) {
    return (
      <button
        ref={opener}
        type="button"
        className="button ghost small"
        onClick={() => (lost === null ? void newSession() : setAsking(true))}
      >
        New session
      </button>
    );
  }
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-labelledby="new-session-question"
      onKeyDown={(e) => {
        if (e.key === 'Escape') keep();
      }}
    >
      <span id="new-session-question">Start over? This forgets {lost}.</span>
      <button
        ref={confirm}
        type="button"
        className="button small danger-solid"
        onClick={() => {
          setAsking(false);
          void newSession();
        }}
      >
        Start a new session
      </button>
      <button type="button" className="button ghost small" onClick={keep}>
        Keep working
      </button>
    </div>
  );
}
