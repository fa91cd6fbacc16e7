/** One data sample as the model sees it, drawn on a small canvas (pixels come as RGBA from the worker). */
import { useEffect, useRef } from 'react';
import type { SamplePreview } from '../../src/worker/api';

export function SampleThumb({ preview }: { preview: SamplePreview }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(preview.rgba), preview.width, preview.height), 0, 0);
  }, [preview]);
  return (
    <canvas
      ref={canvas}
      className="thumb"
      width={preview.width}
      height={preview.height}
      role="img"
      aria-label={preview.className ? `Sample labelled ${preview.className}` : 'Unlabelled sample'}
    />
  );
}
