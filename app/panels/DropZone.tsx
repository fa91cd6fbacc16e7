/**
 * Where a model comes in: drop files, a folder or a zip, or pick them with the file buttons. The inputs keep
 * their accessible names ("Open model", "Open folder") for keyboard users and tests; the visible labels act as
 * the buttons.
 */
import { useFileDrop } from '../files/use-file-drop';
import { openFiles } from '../state/actions';

export function DropZone({ busy }: { busy: boolean }) {
  const { over, zone, onChoose } = useFileDrop(openFiles);

  return (
    <div
      className="dropzone"
      data-testid="drop-zone"
      data-over={over || undefined}
      data-busy={busy || undefined}
      {...zone}
    >
      <svg className="dropzone-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 15V4m0 0-4 4m4-4 4 4M5 14v4a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-4" />
      </svg>
      <p className="dropzone-title">Drop a TensorFlow.js model here</p>
      <p className="dropzone-hint">model.json with its weight shards, a folder holding them, or a .zip</p>
      <div className="dropzone-actions">
        <input id="open-model-input" className="visually-hidden" type="file" multiple aria-label="Open model" onChange={onChoose} />
        <label htmlFor="open-model-input" className="button primary">
          Choose files…
        </label>
        <input
          id="open-folder-input"
          className="visually-hidden"
          type="file"
          aria-label="Open folder"
          onChange={onChoose}
          // Not in React's typings: set the directory-picker attribute directly.
          ref={(input) => input?.setAttribute('webkitdirectory', '')}
        />
        <label htmlFor="open-folder-input" className="button">
          Choose folder…
        </label>
      </div>
    </div>
  );
}
