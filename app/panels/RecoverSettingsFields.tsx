/**
 * The Recover panel's settings: epochs, learning rate, batch, the sparsity schedule (s_f follows the compress
 * controls' sparsity until edited), distillation, and how the open data splits into training, validation and
 * measured samples. Each field is a controlled number input that keeps what the user typed until it parses.
 */
import { memo, useEffect, useMemo, useState } from 'react';
import { formatCount } from '../../src/text/wording';
import { recoverSettingsOf, setRecoverSettings, trainingSplitOf } from '../state/recover-actions';
import type { RecoverEdits } from '../state/recover-slice';
import { useStudio } from '../state/use-studio';

interface FieldProps {
  id: string;
  label: string;
  value: number;
  min: number;
  max?: number;
  step?: number | 'any';
  /** Shown and typed in percent, stored as a fraction. */
  percent?: boolean;
  disabled?: boolean;
  onChange: (value: number) => void;
}

function NumberField({ id, label, value, min, max, step = 1, percent = false, disabled, onChange }: FieldProps) {
  const shown = percent ? Math.round(value * 1000) / 10 : value;
  const [text, setText] = useState(String(shown));
  useEffect(() => setText(String(shown)), [shown]);
  return (
    <label className="recover-field" htmlFor={id}>
      <span className="control-label secondary">{label}</span>
      <input
        id={id}
        className="input small"
        type="number"
        inputMode="decimal"
        value={text}
        min={percent ? min * 100 : min}
        max={max === undefined ? undefined : percent ? max * 100 : max}
        step={step}
        disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() === '' || !Number.isFinite(n)) return;
          const v = percent ? n / 100 : n;
          if (v >= min && (max === undefined || v <= max)) onChange(v);
        }}
      />
    </label>
  );
}

const set = (edits: RecoverEdits) => setRecoverSettings(edits);

export const RecoverSettingsFields = memo(function RecoverSettingsFields({ disabled }: { disabled: boolean }) {
  const edits = useStudio((s) => s.recoverEdits);
  const controls = useStudio((s) => s.controls);
  const data = useStudio((s) => s.data);
  const settings = useMemo(() => recoverSettingsOf({ recoverEdits: edits, controls }), [edits, controls]);
  const split = useMemo(() => trainingSplitOf({ recoverEdits: edits, data }), [edits, data]);
  const gradual = settings.schedule === 'gradual';
  return (
    <div className="recover-grid">
      <fieldset className="recover-group" disabled={disabled}>
        <legend className="control-label">Training</legend>
        <NumberField id="recover-epochs" label="Epochs" value={settings.epochs} min={1} max={200} onChange={(epochs) => set({ epochs: Math.round(epochs) })} />
        <NumberField id="recover-lr" label="Learning rate" value={settings.learningRate} min={1e-6} max={1} step="any" onChange={(learningRate) => set({ learningRate })} />
        <NumberField id="recover-batch" label="Batch" value={settings.batch} min={1} max={4096} onChange={(batch) => set({ batch: Math.round(batch) })} />
      </fieldset>
      <fieldset className="recover-group" disabled={disabled}>
        <legend className="control-label">Sparsity schedule</legend>
        <label className="recover-field" htmlFor="recover-schedule">
          <span className="control-label secondary">Schedule</span>
          <select id="recover-schedule" className="input small" value={settings.schedule} onChange={(e) => set({ schedule: e.target.value as 'none' | 'gradual' })}>
            <option value="none">None: fine-tune after pruning</option>
            <option value="gradual">Gradual: prune while training</option>
          </select>
        </label>
        <NumberField id="recover-from" label="From (sᵢ, %)" value={settings.from} min={0} max={0.99} step="any" percent disabled={!gradual} onChange={(from) => set({ from })} />
        <NumberField id="recover-to" label="To (s_f, %)" value={settings.to} min={0} max={0.99} step="any" percent disabled={!gradual} onChange={(to) => set({ to })} />
      </fieldset>
      <fieldset className="recover-group" disabled={disabled}>
        <legend className="control-label">Distillation</legend>
        <label className="check-option">
          <input type="checkbox" checked={settings.distill} onChange={(e) => set({ distill: e.target.checked })} />
          From the original model
        </label>
        <NumberField id="recover-temperature" label="Temperature" value={settings.temperature} min={0.1} max={50} step="any" disabled={!settings.distill} onChange={(temperature) => set({ temperature })} />
        <NumberField id="recover-alpha" label="Alpha (teacher's share)" value={settings.alpha} min={0} max={1} step="any" disabled={!settings.distill} onChange={(alpha) => set({ alpha })} />
      </fieldset>
      <fieldset className="recover-group" disabled={disabled || !split}>
        <legend className="control-label">Data</legend>
        <NumberField id="recover-train" label="Training samples" value={split?.train ?? 0} min={1} max={split?.size} onChange={(trainSamples) => set({ trainSamples: Math.round(trainSamples) })} />
        <NumberField id="recover-validation" label="Validation samples" value={split?.validation ?? 0} min={0} max={split?.size} onChange={(validationSamples) => set({ validationSamples: Math.round(validationSamples) })} />
        <p className="hint" data-testid="recover-split">
          {split
            ? `Trains on samples 1–${formatCount(split.train)}, validates on ${split.validation > 0 ? `${formatCount(split.train + 1)}–${formatCount(split.train + split.validation)}` : 'none (the last epoch is kept)'}, and measures every model on the ${formatCount(Math.max(0, split.measured))} after them.`
            : 'Open data: its first samples train, the next validate, the rest measure.'}
        </p>
      </fieldset>
    </div>
  );
});
