/**
 * How weights are chosen and rounded: by magnitude and to the nearest level (no data), or calibrated on the open
 * data (Wanda, OBS, GPTQ). The calibrated choices say what they cost: which samples calibrate, and that every model
 * is then measured on the others.
 */
import type { PruneMethod, RoundingMethod } from '../../src/studio/controls';
import { STUDIO_CALIBRATION_SAMPLES } from '../../src/studio/controls';
import { formatCount } from '../../src/text/wording';
import { setCalibrationSamples, setPruneMethod, setRounding } from '../state/actions';
import { useStudio } from '../state/use-studio';

const pruneMethods: { value: PruneMethod; label: string; data: boolean }[] = [
  { value: 'magnitude', label: 'Magnitude (no data)', data: false },
  { value: 'wanda', label: 'Activation-aware (Wanda)', data: true },
  { value: 'obs', label: 'Error-compensating (OBS)', data: true },
];

const roundings: { value: RoundingMethod; label: string; data: boolean }[] = [
  { value: 'nearest', label: 'Nearest level (no data)', data: false },
  { value: 'gptq', label: 'Error-compensating (GPTQ)', data: true },
];

export function MethodChoice() {
  const controls = useStudio((s) => s.controls);
  const data = useStudio((s) => s.data);
  const pruneMethod = controls.pruneMethod ?? 'magnitude';
  const rounding = controls.rounding ?? 'nearest';
  const calibrated = pruneMethod !== 'magnitude' || rounding === 'gptq';
  const samples = controls.calibrationSamples ?? STUDIO_CALIBRATION_SAMPLES;
  const size = data?.summary.size ?? 0;

  return (
    <div className="control method-choice">
      <label htmlFor="prune-method" className="control-label">
        Pruning method
      </label>
      <select id="prune-method" className="input small" value={pruneMethod} onChange={(e) => setPruneMethod(e.target.value as PruneMethod)}>
        {pruneMethods.map((m) => (
          <option key={m.value} value={m.value} disabled={m.data && !data && m.value !== pruneMethod}>
            {m.label}
          </option>
        ))}
      </select>
      <label htmlFor="rounding-method" className="control-label secondary">
        Rounding
      </label>
      <select id="rounding-method" className="input small" value={rounding} onChange={(e) => setRounding(e.target.value as RoundingMethod)}>
        {roundings.map((m) => (
          <option key={m.value} value={m.value} disabled={m.data && !data && m.value !== rounding}>
            {m.label}
          </option>
        ))}
      </select>
      {calibrated && (
        <>
          <label htmlFor="calibration-samples" className="control-label secondary">
            Calibration samples
          </label>
          <input
            id="calibration-samples"
            className="input small"
            type="number"
            min={1}
            step={1}
            value={samples}
            onChange={(e) => setCalibrationSamples(e.target.valueAsNumber)}
          />
        </>
      )}
      <p className="hint" data-testid="calibration-hint">
        {!data
          ? 'Open data to use the calibrated methods; without data, only magnitude pruning and nearest rounding apply.'
          : calibrated
            ? `Calibrates on the first ${formatCount(Math.min(samples, size))} of ${formatCount(size)} samples; from then on every model is measured on the other ${formatCount(Math.max(0, size - samples))}.`
            : 'The calibrated methods use the open data to choose and round weights with less loss.'}
      </p>
    </div>
  );
}
