/** The studio's entry: connects the actions to the worker, starts loading what the panels show, renders. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadRuntime, loadSamples, setStudioClient } from './state/actions';
import { createWorkerClient } from './worker-client';
import './styles.css';

setStudioClient(createWorkerClient());
void loadRuntime();
void loadSamples(import.meta.env.BASE_URL);

// A file dropped outside the drop zone would make the browser navigate away from the studio (and lose the session).
for (const type of ['dragover', 'drop'] as const) {
  window.addEventListener(type, (event) => event.preventDefault());
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
