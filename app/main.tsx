/** The studio's entry: connects the actions to the worker, restores the last session, starts the estimates, renders. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { indexedDbSessionStore } from './state/persistence';
import { loadRuntime, loadSamples, restoreSession, setStudioClient, startEstimates, startPersistence, startStructureEstimates } from './state/actions';
import { createWorkerClient } from './worker-client';
import './styles.css';

setStudioClient(createWorkerClient());
void loadRuntime();
void loadSamples(import.meta.env.BASE_URL);
startEstimates();
startStructureEstimates();
const sessionStore = indexedDbSessionStore();
// Restore first, then save changes: the restore itself must not overwrite what it is reading.
void restoreSession(sessionStore).finally(() => startPersistence(sessionStore));

// A file dropped outside the drop zone would make the browser navigate away from the studio (and lose the session).
for (const type of ['dragover', 'drop'] as const) {
  window.addEventListener(type, (event) => event.preventDefault());
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
