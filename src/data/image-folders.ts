/**
 * Image folders as a Dataset: one subfolder per class ('cat/001.png', 'dog/xyz.jpg'), dropped as files or as a
 * zip (unpacked by src/files before it gets here). Listing is done up front (class order, empty folders, folders
 * the model does not know); decoding is lazy, batch by batch, through an ImageDecoder, and a file that fails to
 * decode is skipped with its reason.
 */
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { parseLabelsFile, resolveClassOrder, unknownNamesText } from '../evaluate/class-order';
import { countText, joinAnd, plural, type Batch, type Dataset, type DataTarget, type SkippedItem } from '../evaluate/dataset';
import { IMAGE_EXTENSIONS, isImageName, type ImageDecoder } from './image-decoder';
import { writeModelInput } from '../evaluate/pixels';
import { sampleShapeFor, shapeText, type Preprocessing } from '../evaluate/preprocessing';
import type { DataReader } from './types';

export interface ImageFolderOptions {
  /** A labels file (one name per line, or JSON) giving the class order when the model has no labels. */
  labelsFile?: InputFile;
  /** Every folder of the drop, empty ones included, so classes with no images can be reported. */
  folders?: readonly string[];
}

/** File names looked for at the top of a drop as a labels file, when none is given. */
const LABELS_FILE_NAMES = ['labels.txt', 'labels.json', 'classes.txt'];

interface Entry {
  name: string;
  data: Uint8Array;
  label: number;
}

function fileList(names: string[]): string {
  const shown = names.slice(0, 3).map((n) => `'${n}'`);
  return names.length > 3 ? `${shown.join(', ')} and ${countText(names.length - 3)} more` : joinAnd(shown);
}

/**
 * Reads image folders for a model.
 *
 * @param files the drop's files as src/files unpacked them, named by their path ('flowers/rose/1.png')
 * @param decoder turns image bytes into RGBA (the browser's in the worker, `nodeImageDecoder` in Node)
 * @throws PareError('unsupported') when the model does not take images; PareError('bad-data') when no image can
 *   be used (no class folders, or none the model knows), saying why
 * @example
 *   const data = readImageFolderDataset(files, target, nodeImageDecoder);
 *   const first = await data.batch(0, 8); // decoded, resized, scaled
 */
export function readImageFolderDataset(
  files: InputFile[],
  target: DataTarget,
  decoder: ImageDecoder,
  options: ImageFolderOptions = {},
): Dataset {
  const pre = target.preprocessing;
  if (pre.kind !== 'image') {
    throw new PareError(
      'unsupported',
      `The model's input ${shapeText(target.inputShape)} takes ${countText(pre.width)} numeric features, not ` +
        `images; give it a CSV instead of image folders.`,
    );
  }
  const sampleShape = sampleShapeFor(target.inputShape, pre);
  const skipped: SkippedItem[] = [];

  const dirs = new Set<string>(options.folders ?? []);
  const images = new Map<string, InputFile[]>(); // folder path -> images directly in it
  const otherFiles = new Map<string, string[]>(); // folder path -> non-image files directly in it
  const rootImages: string[] = [];
  let labelsFile = options.labelsFile;
  for (const f of files) {
    const name = f.name;
    const parts = name.split('/');
    const base = parts[parts.length - 1];
    const folder = parts.slice(0, -1).join('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    if (!labelsFile && parts.length <= 2 && LABELS_FILE_NAMES.includes(base.toLowerCase())) {
      labelsFile = { name, data: f.data };
      continue;
    }
    if (!isImageName(base)) {
      if (!otherFiles.has(folder)) otherFiles.set(folder, []);
      otherFiles.get(folder)!.push(name);
      continue;
    }
    if (parts.length === 1) {
      rootImages.push(name);
      continue;
    }
    if (!images.has(folder)) images.set(folder, []);
    images.get(folder)!.push({ name, data: f.data });
  }
  // Images with no class folders (loose, or all in the one folder that was dropped) are unlabelled: they
  // calibrate and measure fidelity. A lone folder the model's labels or a labels file name is still a class.
  const lone = images.size === 1 && rootImages.length === 0 ? [...images.keys()][0]! : null;
  const loneOrder = lone === null ? null : resolveClassOrder([lone.split('/').pop()!], {
    modelLabels: target.modelLabels,
    labelsFile: labelsFile ? parseLabelsFile(labelsFile) : undefined,
  });
  const loneIsClass = loneOrder !== null && loneOrder.source !== 'data' && loneOrder.unknown.length === 0;
  if ((rootImages.length && images.size === 0) || (lone !== null && !loneIsClass)) {
    const loose = rootImages.length ? files.filter((f) => !f.name.includes('/') && isImageName(f.name)) : images.get(lone!)!;
    return unlabelledImages(loose, target, pre, sampleShape, decoder, skipped, lone);
  }
  if (rootImages.length) {
    skipped.push({ item: fileList(rootImages), reason: 'not inside a class folder (one folder per class is expected)', count: rootImages.length });
  }
  const allOther = [...otherFiles.values()].flat();
  if (allOther.length) {
    skipped.push({ item: fileList(allOther), reason: `not image files (${IMAGE_EXTENSIONS.join(', ')})`, count: allOther.length });
  }
  // Folders that hold nothing, or only non-images, and have no subfolders: classes with nothing to evaluate.
  for (const d of dirs) {
    const hasSub = [...dirs].some((x) => x.startsWith(d + '/'));
    if (!hasSub && !images.has(d)) {
      skipped.push({ item: `folder '${d}/'`, reason: otherFiles.has(d) ? 'holds no images' : 'is empty', count: 0 });
    }
  }

  const folderClass = new Map([...images.keys()].map((d) => [d, d.split('/').pop()!]));
  const order = resolveClassOrder([...folderClass.values()], {
    modelLabels: target.modelLabels,
    labelsFile: labelsFile ? parseLabelsFile(labelsFile) : undefined,
  });
  const entries: Entry[] = [];
  const unknownFolders: string[] = [];
  for (const [dir, list] of images) {
    const label = order.indexOf.get(folderClass.get(dir)!)!;
    if (label < 0) {
      unknownFolders.push(dir);
      continue;
    }
    for (const f of list) entries.push({ name: f.name, data: f.data, label });
  }
  if (order.unknown.length) {
    const n = unknownFolders.reduce((a, d) => a + images.get(d)!.length, 0);
    skipped.push({ item: fileList(unknownFolders.map((d) => d + '/')), reason: unknownNamesText(order, 'folder name') + '; their images were not used', count: n });
  }
  entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));

  if (entries.length === 0) {
    const why = skipped.length ? skipped.map((s) => `${s.item} ${s.reason}`).join('; ') : 'no files';
    throw new PareError('bad-data', `No usable images: expected one folder per class holding images; found ${why}.`);
  }

  const classNames = order.classNames;
  const perClass = new Map<number, number>();
  for (const e of entries) perClass.set(e.label, (perClass.get(e.label) ?? 0) + 1);
  const description =
    `${plural(entries.length, 'image')} in ${plural(perClass.size, 'class folder')} (` +
    `classes from ${order.source === 'model' ? "the model's labels" : order.source === 'labels-file' ? `'${labelsFile!.name}'` : 'sorted folder names'}` +
    `${order.note ? ', ' + order.note : ''}), resized to ${pre.width}x${pre.height}` +
    (skipped.length ? `; ${plural(skipped.reduce((a, s) => a + s.count, 0), 'file')} skipped` : '') + '.';

  return {
    kind: 'images',
    size: entries.length,
    sampleShape,
    classNames,
    classSource: order.source === 'model' ? 'model' : order.source === 'labels-file' ? 'labels-file' : 'folders',
    labelled: true,
    preprocessing: pre,
    skipped,
    description,
    inputs: null,
    labels: null,
    batch: imageBatches(entries, pre, decoder, skipped, true),
  };
}

/**
 * Batches of `entries`, decoded, resized and scaled when asked for; an image that fails to decode is skipped (once
 * noted in `skipped`, with the decoder's reason), so a batch may hold fewer samples than asked.
 */
function imageBatches(entries: Entry[], pre: Preprocessing, decoder: ImageDecoder, skipped: SkippedItem[], withLabels: boolean): Dataset['batch'] {
  const per = pre.height * pre.width * pre.channels;
  const reported = new Set<string>();
  return async (start, end) => {
    const slice = entries.slice(Math.max(0, start), Math.max(0, Math.min(end, entries.length)));
    const decoded = await Promise.allSettled(slice.map((e) => decoder.decode(e.data, e.name)));
    const inputs = new Float32Array(slice.length * per);
    const labels = new Int32Array(slice.length);
    let count = 0;
    decoded.forEach((d, i) => {
      const e = slice[i];
      if (d.status === 'fulfilled') {
        const { width, height, rgba } = d.value;
        writeModelInput({ width, height, channels: 4, data: rgba }, pre, inputs, count * per);
        labels[count++] = e.label;
      } else if (!reported.has(e.name)) {
        reported.add(e.name);
        const msg = d.reason instanceof Error ? d.reason.message : String(d.reason);
        skipped.push({ item: e.name, reason: msg, count: 1 });
      }
    });
    return { inputs: inputs.subarray(0, count * per), labels: withLabels ? labels.subarray(0, count) : null, count };
  };
}

/** Images without classes (`folder`: the one folder they were in, or null when loose): for fidelity and calibration. */
function unlabelledImages(
  list: InputFile[],
  target: DataTarget,
  pre: Preprocessing,
  sampleShape: number[],
  decoder: ImageDecoder,
  skipped: SkippedItem[],
  folder: string | null,
): Dataset {
  const entries: Entry[] = list.map((f) => ({ name: f.name, data: f.data, label: -1 }));
  entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const where = folder === null ? '' : ` in '${folder}/'`;
  const description =
    `${plural(entries.length, 'unlabelled image')}${where} (no class folders: fidelity to the original, and calibration), resized to ${pre.width}x${pre.height}` +
    (skipped.length ? `; ${plural(skipped.reduce((a, s) => a + s.count, 0), 'file')} skipped` : '') + '.';
  return {
    kind: 'images',
    size: entries.length,
    sampleShape,
    classNames: target.modelLabels ?? [],
    classSource: target.modelLabels ? 'model' : 'none',
    labelled: false,
    preprocessing: pre,
    skipped,
    description,
    inputs: null,
    labels: null,
    batch: imageBatches(entries, pre, decoder, skipped, false),
  };
}

/** The last reader tried: anything that is not IDX or CSV is read as image folders, which says what it found. */
export const imageFolderReader: DataReader = {
  id: 'image-folders',
  match: () => true,
  open: (ctx) => {
    if (!ctx.options.decoder) {
      throw new PareError('unsupported', 'These files look like image folders, and no image decoder was given to read them.');
    }
    return readImageFolderDataset([...ctx.files], ctx.target, ctx.options.decoder, {
      labelsFile: ctx.options.labelsFile,
      folders: ctx.folders,
    });
  },
};
