/**
 * Drag-and-drop and file-picker handling shared by every drop zone (model, data, class folders): the highlight
 * while something is dragged over, and the files of a drop or a choice handed to `open`.
 */
import { useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import type { SourceFile } from './source-file';
import { filesFromDrop, filesFromInput } from './drop';

export interface FileDrop {
  /** Whether files are being dragged over the zone. */
  over: boolean;
  /** Spread on the zone's element. */
  zone: {
    onDragEnter(event: DragEvent): void;
    onDragOver(event: DragEvent): void;
    onDragLeave(): void;
    onDrop(event: DragEvent): void;
  };
  /** For the zone's <input type="file">. */
  onChoose(event: ChangeEvent<HTMLInputElement>): void;
}

export function useFileDrop(open: (files: SourceFile[]) => unknown): FileDrop {
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child element crossed: count them so the highlight does not flicker.
  const depth = useRef(0);
  return {
    over,
    zone: {
      onDragEnter(event) {
        event.preventDefault();
        depth.current++;
        setOver(true);
      },
      onDragOver(event) {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave() {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      },
      onDrop(event) {
        event.preventDefault();
        depth.current = 0;
        setOver(false);
        // Must run before this handler returns: the drop's items are cleared afterwards.
        void filesFromDrop(event.dataTransfer).then(open);
      },
    },
    onChoose(event) {
      const files = filesFromInput(event.target.files);
      // Reset so that choosing the same files again (after fixing them) fires change again.
      event.target.value = '';
      if (files.length > 0) void open(files);
    },
  };
}
