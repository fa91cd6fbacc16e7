/** What the worker can run on this machine: the wasm binary that loaded and its threads, cpu, webgl, webgpu. */
import { useStudio } from '../state/use-studio';
import { ErrorAlert } from './ErrorAlert';

const binaryText = { 'threaded-simd': 'threaded + SIMD', simd: 'SIMD', plain: 'plain' } as const;

export function RuntimePanel() {
  const runtime = useStudio((s) => s.runtime);
  const error = useStudio((s) => s.runtimeError);

  return (
    <section className="panel" aria-labelledby="runtime-panel-title" aria-busy={runtime === null && error === null}>
      <h2 id="runtime-panel-title" className="panel-title">
        Runtime
      </h2>
      {error && <ErrorAlert error={error} />}
      {runtime === null && error === null && (
        <p className="status" role="status">
          <span className="spinner" aria-hidden="true" />
          Starting TensorFlow.js in the worker…
        </p>
      )}
      {runtime && (
        <>
          <p className="runtime-headline" data-testid="wasm-binary" data-binary={runtime.wasm.binary ?? 'none'}>
            {runtime.wasm.binary ? (
              <>
                <span className="badge accent">wasm {runtime.wasm.binary}</span>
                <span>
                  {binaryText[runtime.wasm.binary]} binary, {runtime.wasm.threads} thread
                  {runtime.wasm.threads === 1 ? '' : 's'}
                </span>
              </>
            ) : (
              <span className="badge warn">wasm unavailable</span>
            )}
          </p>
          {/* The headline says what matters; the rest is for when something is slow or missing. */}
          <details className="runtime-details">
            <summary>Backends and details</summary>
            <dl className="kv">
              <dt>Active backend</dt>
              <dd>{runtime.active}</dd>
              <dt>Cross-origin isolated</dt>
              <dd data-testid="cross-origin-isolated">{runtime.wasm.crossOriginIsolated ? 'Yes' : 'No'}</dd>
              <dt>Logical cores</dt>
              <dd>{runtime.cores ?? 'unknown'}</dd>
              <dt>TensorFlow.js</dt>
              <dd>{runtime.tfjsVersion}</dd>
            </dl>
            <ul className="backends" aria-label="Backends">
              {runtime.backends.map((b) => (
                <li key={b.name} className="backend" data-available={b.available}>
                  <span className="dot" aria-hidden="true" />
                  <span className="backend-name">{b.name}</span>
                  <span className="backend-state">{b.available ? 'available' : 'unavailable'}</span>
                  <span className="backend-detail">{b.detail}</span>
                </li>
              ))}
            </ul>
            {runtime.wasm.binary === 'threaded-simd' && runtime.cores !== null && runtime.wasm.threads < runtime.cores && (
              <p className="muted small-print">
                TF.js's wasm backend uses half the logical cores (at most 8), so {runtime.cores} cores give{' '}
                {runtime.wasm.threads} thread{runtime.wasm.threads === 1 ? '' : 's'}.
              </p>
            )}
          </details>
          {!runtime.wasm.crossOriginIsolated && (
            <p className="note">
              The page is not cross-origin isolated, so wasm runs without threads. Serve it with the COOP/COEP headers
              (npm start does).
            </p>
          )}
        </>
      )}
    </section>
  );
}
