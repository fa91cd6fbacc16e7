/**
 * Every weight tensor of the model, sortable by any column (buttons in the headers, aria-sort on the sorted
 * one) and filterable by name or layer.
 */
import { Fragment, useDeferredValue, useMemo } from 'react';
import type { WeightInfo } from '../../src/model/types';
import { useStudio } from '../state/use-studio';
import { setWeightFilter, sortWeightsBy } from '../state/actions';
import { sortWeights, storedLabel, type WeightRow, type WeightSortKey } from '../state/weight-sort';
import { formatBytes, formatCount, formatExactBytes, formatShape } from '../../src/text/wording';
import { ownerSuffix } from './owner-suffix';

const noRows: WeightRow[] = [];

interface Column {
  key: WeightSortKey;
  label: string;
  numeric?: boolean;
}

const columns: Column[] = [
  { key: 'index', label: '#', numeric: true },
  { key: 'name', label: 'Name' },
  { key: 'owner', label: 'Layer / op' },
  { key: 'shape', label: 'Shape' },
  { key: 'params', label: 'Params', numeric: true },
  { key: 'stored', label: 'Stored as' },
  { key: 'bytes', label: 'Bytes', numeric: true },
  { key: 'prunable', label: 'Prunable' },
];

export function WeightTable({ weights }: { weights: WeightInfo[] }) {
  const sort = useStudio((s) => s.weightSort);
  const filter = useStudio((s) => s.weightFilter);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const sorted = sortWeights(weights, sort);
    if (needle === '') return sorted;
    return sorted.filter((w) => `${w.name} ${w.owner} ${w.ownerType}`.toLowerCase().includes(needle));
  }, [weights, sort, filter]);
  // Rendering hundreds of rows at once blocks the page for a long moment: render them as a deferred,
  // interruptible update instead (the first paint shows the totals, the rows follow without a long task).
  const shownRows = useDeferredValue(rows, noRows);

  return (
    <div className="weights">
      <div className="weights-toolbar">
        <h3 className="subheading" id="weights-title">
          Weights
        </h3>
        <span className="muted" aria-live="polite">
          {rows.length === weights.length
            ? `${formatCount(weights.length)} tensors`
            : `${formatCount(rows.length)} of ${formatCount(weights.length)} tensors`}
        </span>
        <input
          type="search"
          className="input"
          placeholder="Filter by name or layer"
          aria-label="Filter weights"
          value={filter}
          onChange={(e) => setWeightFilter(e.target.value)}
        />
      </div>
      <div className="table-scroll">
        <table className="table weight-table" aria-labelledby="weights-title">
          <thead>
            <tr>
              {columns.map((column) => (
                <th
                  key={column.key}
                  scope="col"
                  className={column.numeric ? 'num' : undefined}
                  aria-sort={sort.key === column.key ? sort.direction : undefined}
                >
                  <button type="button" className="sort-button" onClick={() => sortWeightsBy(column.key)}>
                    {column.label}
                    <span className="sort-icon" aria-hidden="true">
                      {sort.key === column.key ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shownRows.map((w) => (
              <WeightRowView key={w.name} weight={w} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function WeightRowView({ weight: w }: { weight: WeightRow }) {
  const q = w.quantization;
  const quantTitle =
    q && q.dtype !== 'float16' && q.scale !== undefined && q.min !== undefined
      ? `value = code × ${q.scale} + ${q.min}`
      : undefined;
  return (
    <tr>
      <td className="num muted">{w.index + 1}</td>
      <td className="mono weight-name">{breakable(w.name)}</td>
      <td className="weight-owner" title={w.owner}>
        <span className="owner-type">{w.ownerType}</span>
        {ownerSuffix(w.name, w.owner) && <span className="owner">{breakable(ownerSuffix(w.name, w.owner))}</span>}
      </td>
      <td className="mono nowrap">{formatShape(w.shape)}</td>
      <td className="num">{formatCount(w.params)}</td>
      <td>
        <span className={`dtype dtype-${q ? q.dtype : w.dtype}`} title={quantTitle}>
          {storedLabel(w)}
        </span>
      </td>
      <td className="num" title={formatExactBytes(w.bytes)}>
        {formatBytes(w.bytes)}
      </td>
      <td>{w.prunable ? <span className="pill yes">Yes</span> : <span className="pill no">No</span>}</td>
    </tr>
  );
}

/** Lets long names wrap after '/' (between scopes) rather than mid-word. */
function breakable(name: string) {
  const parts = name.split('/');
  return parts.map((part, i) => (
    <Fragment key={i}>
      {part}
      {i < parts.length - 1 && (
        <>
          /<wbr />
        </>
      )}
    </Fragment>
  ));
}

