/**
 * What the Data panel shows: a few samples as the model will see them (after resizing and channel conversion),
 * turned back into displayable RGBA, with their labels; and the data set's facts without its samples. Both are
 * small and structured-clonable, so the worker can send them to the page.
 */
import type { Dataset } from './dataset';
import { scaleCoefficients } from './pixels';

export interface SamplePreview {
  width: number;
  height: number;
  /** width * height * 4 bytes, ready for `new ImageData(rgba, width, height)`. */
  rgba: Uint8ClampedArray;
  /** Class index, or null for unlabelled data. */
  label: number | null;
  className: string | null;
}

export type DatasetSummary = Omit<Dataset, 'batch' | 'inputs' | 'labels'>;

/** The data set without its samples or methods (structured-clonable). */
export function datasetSummary(d: Dataset): DatasetSummary {
  return {
    kind: d.kind,
    size: d.size,
    sampleShape: [...d.sampleShape],
    classNames: [...d.classNames],
    classSource: d.classSource,
    labelled: d.labelled,
    preprocessing: d.preprocessing,
    skipped: d.skipped.map((s) => ({ ...s })),
    description: d.description,
  };
}

/**
 * The first `count` samples as images, undoing the value scaling. Empty for tabular data (nothing to draw).
 *
 * @example
 *   const shown = await previewSamples(data, 8);
 *   ctx.putImageData(new ImageData(shown[0].rgba, shown[0].width, shown[0].height), 0, 0);
 */
export async function previewSamples(d: Dataset, count = 8): Promise<SamplePreview[]> {
  const p = d.preprocessing;
  if (!p || p.kind !== 'image' || count <= 0) return [];
  const batch = await d.batch(0, Math.min(count, d.size));
  const c = p.channels;
  const per = p.width * p.height * c;
  const { div, add } = scaleCoefficients(p.scale, c);
  const out: SamplePreview[] = [];
  for (let s = 0; s < batch.count; s++) {
    const rgba = new Uint8ClampedArray(p.width * p.height * 4);
    for (let i = 0; i < p.width * p.height; i++) {
      const at = s * per + i * c;
      const value = (k: number) => (batch.inputs[at + k] - add[k]) * div[k];
      const r = value(0);
      rgba[4 * i] = r;
      rgba[4 * i + 1] = c >= 3 ? value(1) : r;
      rgba[4 * i + 2] = c >= 3 ? value(2) : r;
      rgba[4 * i + 3] = c === 4 ? value(3) : 255;
    }
    const label = batch.labels ? batch.labels[s] : null;
    out.push({ width: p.width, height: p.height, rgba, label, className: label === null ? null : d.classNames[label] ?? String(label) });
  }
  return out;
}
