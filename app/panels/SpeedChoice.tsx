/**
 * What makes the model faster, not only smaller: fewer channels (every layer that must shrink with a removed
 * channel does), and batch norms folded with activations fused into the convolutions (a graph model). The variant's
 * measured latency shows what each gained.
 */
import { setChannelRefit, setFuse } from '../state/actions';
import { ChannelRatioSlider } from './ChannelRatioSlider';
import { useStudio } from '../state/use-studio';

export function SpeedChoice() {
  const controls = useStudio((s) => s.controls);
  const hasData = useStudio((s) => s.data !== null);
  const format = useStudio((s) => s.model?.inventory.format);
  const ratio = controls.channelRatio ?? 0;
  return (
    <div className="speed-choice" role="group" aria-labelledby="speed-title">
      <h3 id="speed-title" className="control-label">
        Make it faster
      </h3>
      <div className="speed-row">
        <label htmlFor="channel-ratio" className="control-label secondary">
          Channels removed
        </label>
        <ChannelRatioSlider
          id="channel-ratio"
          ratio={ratio}
          describe={(pct) => `${pct}% of the channels of every layer group removed`}
          testId="channel-ratio-value"
        />
      </div>
      <div className="speed-options">
        <label className="check-option">
          <input type="checkbox" checked={controls.channelRefit === true} disabled={!hasData && controls.channelRefit !== true} onChange={(e) => setChannelRefit(e.target.checked)} />
          Refit the next layers from the data (least squares)
        </label>
        <label className="check-option">
          <input type="checkbox" checked={controls.fuse === true} onChange={(e) => setFuse(e.target.checked)} />
          Fold batch norms and fuse activations (exports a graph model{format === 'graph-model' ? '' : ', loaded with tf.loadGraphModel'})
        </label>
      </div>
      <p className="hint">
        Latency follows the multiply-adds: removing channels shrinks every layer that must shrink with them. Fused ops run
        batch norm and activation inside the convolution. Both are measured, not estimated; after fusing, prefer float16
        or uint16 storage for depthwise networks, whose folded kernels lose more to 8 bits.
      </p>
    </div>
  );
}
