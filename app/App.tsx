/**
 * The studio's layout: a header, a sidebar of input panels (model, data, runtime) and a workspace (compress,
 * results, weights, export, inventory). Each panel sits in a named region.
 */
import { CompressPanel } from './panels/CompressPanel';
import { DataPanel } from './panels/DataPanel';
import { ErrorAlert } from './panels/ErrorAlert';
import { ExportPanel } from './panels/ExportPanel';
import { HistogramPanel } from './panels/HistogramPanel';
import { InventoryPanel } from './panels/InventoryPanel';
import { ModelPanel } from './panels/ModelPanel';
import { RecoverPanel } from './panels/RecoverPanel';
import { ResultsPanel } from './panels/ResultsPanel';
import { RuntimePanel } from './panels/RuntimePanel';
import { SampleStart } from './panels/SampleList';
import { SensitivityPanel } from './panels/SensitivityPanel';
import { StructurePanel } from './panels/StructurePanel';
import { NewSessionButton } from './panels/NewSessionButton';
import { NewClassesPanel } from './panels/NewClassesPanel';
import { dismissStorageError } from './state/actions';
import { useStudio } from './state/use-studio';

export function App() {
  const storageError = useStudio((s) => s.storageError);
  const session = useStudio((s) => s.session);
  const hasModel = useStudio((s) => s.model !== null);
  return (
    <div className="studio">
      <header className="studio-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            P
          </span>
          <h1>Pare</h1>
        </div>
        <p className="tagline">
          Make TensorFlow.js models smaller: prune, quantize and measure them in your browser. Nothing leaves your
          machine.
        </p>
        <div className="header-actions">
          {session === 'restoring' && (
            <span className="status" role="status">
              <span className="spinner" aria-hidden="true" /> Restoring your last session…
            </span>
          )}
          <NewSessionButton />
        </div>
        {storageError && (
          <div className="header-alert">
            <ErrorAlert error={storageError} onDismiss={dismissStorageError} title="The session is not being saved" />
          </div>
        )}
      </header>
      <aside className="studio-sidebar" aria-label="Inputs">
        <ModelPanel />
        <DataPanel />
        <RuntimePanel />
      </aside>
      <main className="studio-workspace">
        {hasModel ? (
          <>
            <CompressPanel />
            <StructurePanel />
            <ResultsPanel />
            <RecoverPanel />
            <SensitivityPanel />
            <NewClassesPanel />
            <HistogramPanel />
            <ExportPanel />
          </>
        ) : (
          <SampleStart />
        )}
        <InventoryPanel />
      </main>
    </div>
  );
}
