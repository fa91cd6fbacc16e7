/**
 * The global channel ratio as a slider (0–90% of each group's channels removed). The Make it faster section and
 * the Structure panel both show it: one value in the controls, set from either.
 */
import { formatWholePercent } from '../../src/text/wording';
import { setChannelRatio } from '../state/actions';

export function ChannelRatioSlider({ id, ratio, describe, testId }: { id: string; ratio: number; describe: (pct: number) => string; testId?: string }) {
  const pct = Math.round(ratio * 100);
  return (
    <div className="slider-row">
      <input
        id={id}
        type="range"
        min={0}
        max={90}
        step={1}
        value={pct}
        aria-valuetext={describe(pct)}
        onChange={(e) => setChannelRatio(Number(e.target.value) / 100)}
      />
      <output htmlFor={id} className="slider-value" data-testid={testId}>
        {formatWholePercent(ratio)}
      </output>
    </div>
  );
}
