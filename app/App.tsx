/**
 * The studio's layout: a header, a sidebar of input panels and a workspace. Each panel sits in a named region;
 * later issues add Data (sidebar), Compress, Results and Export (workspace) panels to these regions.
 */
import { InventoryPanel } from './panels/InventoryPanel';
import { ModelPanel } from './panels/ModelPanel';
import { RuntimePanel } from './panels/RuntimePanel';

export function App() {
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
      </header>
      <aside className="studio-sidebar" aria-label="Inputs">
        <ModelPanel />
        {/* DataPanel goes here. */}
        <RuntimePanel />
      </aside>
      <main className="studio-workspace">
        <InventoryPanel />
        {/* CompressPanel, ResultsPanel and ExportPanel go here. */}
      </main>
    </div>
  );
}
