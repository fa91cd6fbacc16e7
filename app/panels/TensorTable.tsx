/** A model's inputs or outputs: name, shape, dtype. */
import type { TensorInfo } from '../../src/model/types';
import { formatShape } from '../../src/text/wording';

export function TensorTable({ title, tensors }: { title: string; tensors: TensorInfo[] }) {
  return (
    <div className="tensor-table">
      <h3 className="subheading">{title}</h3>
      {tensors.length === 0 ? (
        <p className="muted">None declared</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Shape</th>
              <th scope="col">dtype</th>
            </tr>
          </thead>
          <tbody>
            {tensors.map((t) => (
              <tr key={t.name}>
                <td className="mono wrap">{t.name}</td>
                <td className="mono nowrap">{formatShape(t.shape, t.shapeUnknown)}</td>
                <td className="mono">{t.dtype}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
