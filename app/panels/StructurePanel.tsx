/**
 * The Structure panel: the model's channel groups (what must shrink together when a channel goes), each named
 * after its layers, with its channels and multiply-adds; a ratio per group beside the global one (the same
 * `channelRatio` the "Make it faster" slider sets: one source of truth); the multiply-adds before and after the
 * current controls, computed in the worker from the step's own plan; and the latency measured for the original and
 * the selected variant. Groups Pare leaves alone say why.
 */
import { formatCount, formatMs, formatPercent, formatPlural, formatWholePercent } from '../../src/text/wording';
import { isPattern, matches } from '../../src/recipe/match';
import type { ChannelEstimate } from '../../src/worker/api';
import { applyCurrent, clearChannelGroupRatios, setChannelGroupRatio } from '../state/actions';
import { originalOf, selectedEntry } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { ORIGINAL } from '../state/variants-slice';
import { ChannelRatioSlider } from './ChannelRatioSlider';
import { ErrorAlert } from './ErrorAlert';
import './structure.css';

type Group = ChannelEstimate['inventory']['groups'][number];

const RATIOS = [0, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90];

/** "conv2", or "block_13_project + 5 more" when a residual group spans several layers. */
function groupName(g: Group): string {
  return g.layers.length > 1 ? `${g.layers[0]} + ${g.layers.length - 1} more` : (g.layers[0] ?? `group ${g.id}`);
}

/**
 * A group's own ratio: an exact rule by its first layer's name, or (from a loaded recipe) a pattern rule that
 * selects one of its layers, shown as such; choosing a figure writes an exact rule, which beats any pattern.
 */
function RatioSelect({ group, rules, global }: { group: Group; rules: Record<string, number>; global: number }) {
  const name = group.layers[0]!;
  const own = rules[name];
  const pattern = own === undefined ? Object.keys(rules).find((m) => isPattern(m) && group.layers.some((l) => matches(l, m))) : undefined;
  const value = own !== undefined ? String(Math.round(own * 100)) : pattern !== undefined ? 'pattern' : 'global';
  return (
    <select
      className="input small"
      aria-label={`Channels removed from ${name}`}
      value={value}
      onChange={(e) => e.target.value !== 'pattern' && setChannelGroupRatio(name, e.target.value === 'global' ? null : Number(e.target.value) / 100)}
    >
      {pattern !== undefined && (
        <option value="pattern">
          '{pattern}' ({formatWholePercent(rules[pattern]!)})
        </option>
      )}
      <option value="global">global ({formatWholePercent(global)})</option>
      {RATIOS.map((r) => (
        <option key={r} value={r}>
          {r === 0 ? 'keep all' : `${r}%`}
        </option>
      ))}
    </select>
  );
}

function MacsReadout({ value, pending }: { value: ChannelEstimate; pending: boolean }) {
  const { macsBefore, macsAfter } = value;
  return (
    <p className={`structure-macs${pending ? ' pending' : ''}`} data-testid="structure-macs" aria-live="polite">
      Multiply-adds per sample: <strong>{formatCount(macsBefore)}</strong> → <strong data-testid="macs-after">{formatCount(macsAfter)}</strong>
      {macsBefore > 0 && macsAfter < macsBefore && <span className="muted"> ({formatPercent(1 - macsAfter / macsBefore)} fewer)</span>}
      {value.ranking === 'l1' && <span className="muted"> · counts from an L1 ranking; the step ranks by activations on the data</span>}
    </p>
  );
}

function LatencyReadout() {
  const original = useStudio(originalOf);
  const selected = useStudio(selectedEntry);
  const backend = useStudio((s) => s.measureSettings.backend);
  const o = original.measurement?.latency;
  const v = selected.id !== ORIGINAL ? selected.measurement?.latency : undefined;
  if (!o && !v) {
    return <p className="hint">Apply builds the variant and measures its latency on {backend}; the Results chart plots accuracy against it.</p>;
  }
  return (
    <p className="structure-latency" data-testid="structure-latency">
      Measured median latency: original {o ? formatMs(o.medianMs) : 'not measured'}
      {v && (
        <>
          {' '}
          · {selected.name} {formatMs(v.medianMs)} on {v.backend}
          {o && v.medianMs > 0 && <strong> ({(o.medianMs / v.medianMs).toFixed(2)}x)</strong>}
        </>
      )}
    </p>
  );
}

export function StructurePanel() {
  const model = useStudio((s) => s.model);
  const structure = useStudio((s) => s.structure);
  const controls = useStudio((s) => s.controls);
  const busy = useStudio((s) => s.job !== null);
  if (!model) return null;
  const value = structure.value;
  const global = controls.channelRatio ?? 0;
  const own = controls.channelGroups ?? {};
  const kept = new Map(value?.kept.map((k) => [k.id, k.kept]));
  const prunable = value?.inventory.groups.filter((g) => g.prunable) ?? [];
  const fixed = value?.inventory.groups.filter((g) => !g.prunable) ?? [];

  return (
    <section className="panel structure" aria-labelledby="structure-title">
      <div className="panel-head">
        <h2 id="structure-title" className="panel-title">
          Structure
        </h2>
      </div>
      <p className="hint">
        Removing a channel shrinks every layer that carries or reads it: the layers of a group shrink together. Latency
        follows the multiply-adds; quantization and sparsity do not change it.
      </p>
      <div className="structure-global">
        {/* Not "Channels removed": that names the Make it faster slider, and this is the same value seen here. */}
        <label htmlFor="structure-ratio" className="control-label secondary">
          Global ratio (every group without its own)
        </label>
        <ChannelRatioSlider
          id="structure-ratio"
          ratio={global}
          describe={(pct) => `${pct}% of the channels of every group without its own ratio`}
        />
      </div>
      {structure.error && <ErrorAlert error={structure.error} fallback="Could not plan the channel removal" />}
      {value && <MacsReadout value={value} pending={structure.status === 'pending'} />}
      {!value && structure.status === 'pending' && <p className="hint">Finding the channel groups…</p>}
      {value && prunable.length === 0 && <p className="note">Pare found no channel group it can shrink in this model (see below why).</p>}
      {prunable.length > 0 && (
        <div className="structure-table-wrap">
          <table className="table structure-table" aria-labelledby="structure-groups-title">
            <caption id="structure-groups-title" className="subheading">
              {formatCount(prunable.length)} groups can shrink{' '}
              {Object.keys(own).length > 0 && (
                <button type="button" className="button ghost small" onClick={clearChannelGroupRatios}>
                  All to global
                </button>
              )}
            </caption>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Shrinks with it</th>
                <th scope="col" className="num">
                  Channels
                </th>
                <th scope="col" className="num">
                  Multiply-adds
                </th>
                <th scope="col">Removed</th>
              </tr>
            </thead>
            <tbody>
              {prunable.map((g) => {
                const k = kept.get(g.id) ?? g.channels;
                return (
                  <tr key={g.id} data-testid={`group-${g.layers[0]}`}>
                    <th scope="row" title={g.layers.join(', ')}>
                      <code>{groupName(g)}</code>
                    </th>
                    <td className="structure-readers" data-label="Shrinks with it">{g.readers.length ? g.readers.join(', ') : <span className="muted">nothing after it</span>}</td>
                    <td className="num" data-testid="group-channels" data-label="Channels">
                      {k === g.channels ? formatCount(g.channels) : `${formatCount(k)} of ${formatCount(g.channels)}`}
                    </td>
                    <td className="num" data-label="Multiply-adds">
                      {formatCount(g.macs)}
                    </td>
                    <td className="structure-ratio">
                      <RatioSelect group={g} rules={own} global={global} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {fixed.length > 0 && (
        <details className="structure-fixed">
          <summary>
            {formatCount(fixed.length)} group{fixed.length === 1 ? '' : 's'} Pare leaves alone, and why
          </summary>
          <ul aria-label="Groups Pare leaves alone">
            {fixed.map((g) => (
              <li key={g.id}>
                <code>{groupName(g)}</code> ({formatPlural(g.channels, 'channel')}): {g.reason ?? 'not proven safe to shrink'}
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="apply-row structure-apply">
        <button type="button" className="button" aria-disabled={busy} onClick={() => !busy && void applyCurrent()}>
          Apply and measure
        </button>
        <LatencyReadout />
      </div>
    </section>
  );
}
