/**
 * New classes for the studio (transfer learning): image folders opened with the model's input preprocessing and
 * the folders' own class names (never the model's), decoded once and split per class with a seed into the images
 * the new head trains on and the images its accuracy is measured on. Decoding up front is what lets an unreadable
 * image be refused by name before any training, and the sets are small (a Teachable-Machine-sized drop).
 */
import { PareError } from '../errors';
import { isImageName, type ImageDecoder } from '../data/image-decoder';
import { openDataset } from '../data/open-dataset';
import { countText, inMemoryDataset, joinAnd, plural, sampleSize, type Dataset } from '../evaluate/dataset';
import { withScale, shapeText } from '../evaluate/preprocessing';
import { previewSamples, type SamplePreview } from '../evaluate/preview';
import type { InputFile, OpenedModel } from '../model/types';
import { dataFingerprint } from '../recipe/fingerprint';
import type { Variant } from '../recipe/variant';
import { newClassesTarget, variantTarget } from '../train/retarget/data-target';
import { validationSplit } from '../train/retarget/split';
import type { NewClassCount, NewClassesOptions } from './api';
import { cancelPoint } from './cancelled';

export interface OpenedNewClasses {
  training: Dataset;
  test: Dataset;
  fingerprint: string;
  classes: NewClassCount[];
  previews: SamplePreview[];
}

const DECODE_BATCH = 32;
const PREVIEWS_PER_CLASS = 3;
const QUOTED = 3;

/** "'a/1.png' (reason), 'b/2.png' (reason) and 4 more". */
function quoted(items: { item: string; reason: string }[]): string {
  const shown = items.slice(0, QUOTED).map((s) => `'${s.item}' (${s.reason.replace(/\.$/, '')})`);
  return items.length > QUOTED ? `${shown.join(', ')} and ${countText(items.length - QUOTED)} more` : joinAnd(shown);
}

/** Every image decoded into memory; an image that cannot be read is refused by name. */
async function decodeAll(data: Dataset, signal: AbortSignal | undefined): Promise<{ inputs: Float32Array; labels: Int32Array }> {
  const per = sampleSize(data.sampleShape);
  const inputs = new Float32Array(data.size * per);
  const labels = new Int32Array(data.size);
  const skippedBefore = data.skipped.length;
  let n = 0;
  for (let start = 0; start < data.size; start += DECODE_BATCH) {
    const b = await data.batch(start, Math.min(start + DECODE_BATCH, data.size));
    inputs.set(b.inputs, n * per);
    labels.set(b.labels!, n);
    n += b.count;
    await cancelPoint(signal, 'Reading the class folders');
  }
  const unreadable = data.skipped.slice(skippedBefore);
  if (unreadable.length) {
    throw new PareError(
      'bad-data',
      `${unreadable.length === 1 ? 'One image' : `${countText(unreadable.length)} images`} could not be read: ${quoted(unreadable)}. Remove or replace ${unreadable.length === 1 ? 'it' : 'them'} and drop the folders again.`,
      { file: unreadable[0]!.item },
    );
  }
  return { inputs, labels };
}

/** The samples at `indices` of in-memory `inputs`/`labels`, as a data set described as `what`. */
function gather(from: Dataset, inputs: Float32Array, labels: Int32Array, indices: Int32Array, what: string): Dataset {
  const per = sampleSize(from.sampleShape);
  const out = new Float32Array(indices.length * per);
  const outLabels = new Int32Array(indices.length);
  indices.forEach((i, k) => {
    out.set(inputs.subarray(i * per, (i + 1) * per), k * per);
    outLabels[k] = labels[i]!;
  });
  return inMemoryDataset({
    kind: 'images',
    sampleShape: [...from.sampleShape],
    classNames: [...from.classNames],
    classSource: from.classSource,
    labelled: true,
    preprocessing: from.preprocessing,
    skipped: [],
    description: `${what}: ${plural(indices.length, 'image')} of ${from.description.replace(/\.$/, '')}.`,
    inputs: out,
    labels: outLabels,
  });
}

/** Refusals the folder listing already shows: not image folders, fewer than two classes, empty class folders. */
function checkFolders(data: Dataset, files: readonly InputFile[]): void {
  if (data.kind !== 'images') {
    throw new PareError('bad-data', `New classes are learnt from image folders (one folder per class, named after it); these files were read as ${data.kind.toUpperCase()} data. Drop two or more folders of images.`);
  }
  const empty = data.skipped.filter((s) => s.item.startsWith('folder ') && s.count === 0);
  if (empty.length) {
    throw new PareError('bad-data', `Every class needs images: ${joinAnd(empty.map((s) => `${s.item.replace(/^folder /, '')} ${s.reason}`))}. Add images to it or leave it out.`, { file: empty[0]!.item.replace(/^folder '|'$/g, '') });
  }
  if (!data.labelled || data.classNames.length < 2) {
    const loose = data.skipped.find((s) => s.reason.startsWith('not inside a class folder'));
    // Images in no class folder, or all in the one folder dropped, open as unlabelled data (src/data/image-folders.ts).
    const folders = new Set(files.filter((f) => f.name.includes('/') && isImageName(f.name)).map((f) => f.name.split('/').slice(-2, -1)[0]!));
    const lone = data.labelled ? data.classNames[0] : folders.size === 1 ? [...folders][0] : undefined;
    const found = lone !== undefined ? `only one class folder, '${lone}/' (${plural(data.size, 'image')})` : data.labelled ? 'no class folders' : `${plural(data.size, 'image')} in no class folder`;
    throw new PareError(
      'bad-data',
      `New classes need at least two class folders, one per class, each holding that class's images; found ${found}${loose ? ` and ${plural(loose.count, 'image')} not inside any class folder` : ''}. A flat folder or zip of images does not say which image is which class.`,
    );
  }
}

/**
 * Opens `files` (image folders, one per class) as new classes for `model`, split into training and test images.
 * @example const opened = await openNewClasses(model, files, { holdOut: 0.2, seed: 1 }, decoder);
 */
export async function openNewClasses(
  model: OpenedModel,
  files: InputFile[],
  options: NewClassesOptions,
  decoder: ImageDecoder | undefined,
  signal?: AbortSignal,
): Promise<OpenedNewClasses> {
  let target = newClassesTarget(model);
  if (target.preprocessing.kind !== 'image') {
    throw new PareError('unsupported', `New classes are learnt from images, and this model's input ${shapeText(target.inputShape)} takes ${countText(target.preprocessing.width)} numeric features, not images.`);
  }
  if (options.scale !== undefined) target = { ...target, preprocessing: withScale(target.preprocessing, options.scale) };
  const holdOut = options.holdOut ?? 0.2;
  const seed = options.seed ?? 1;
  if (!(holdOut > 0 && holdOut < 1)) throw new PareError('bad-options', `The share of images held out to measure on must be between 0 and 1; found ${holdOut}.`);
  // Taken before opening: readers may unpack and transfer what they are given.
  const fingerprint = await dataFingerprint(files, { preprocessing: target.preprocessing, labels: null, newClasses: { holdOut, seed } });
  const data = openDataset(files, target, { decoder });
  checkFolders(data, files);
  const { inputs, labels } = await decodeAll(data, signal);
  const few = data.classNames.filter((_, c) => labels.filter((l) => l === c).length < 2);
  if (few.length) {
    throw new PareError('bad-data', `Every class needs at least 2 images, one to learn from and one to measure on; ${joinAnd(few.map((c) => `'${c}/'`))} ${few.length === 1 ? 'has' : 'have'} only one. Add images to ${few.length === 1 ? 'it' : 'them'}.`);
  }
  const split = validationSplit(labels, holdOut, seed);
  const training = gather(data, inputs, labels, split.train, 'training');
  const test = gather(data, inputs, labels, split.validation, `held out (${Math.round(holdOut * 100)}% of each class, seed ${seed})`);
  const count = (xs: Int32Array, c: number) => xs.reduce((n, i) => n + (labels[i] === c ? 1 : 0), 0);
  const classes = data.classNames.map((name, c) => ({ name, images: count(split.train, c) + count(split.validation, c), training: count(split.train, c), test: count(split.validation, c) }));
  const first: number[] = [];
  data.classNames.forEach((_, c) => first.push(...Array.from(split.train).filter((i) => labels[i] === c).slice(0, PREVIEWS_PER_CLASS)));
  const previews = await previewSamples(gather(data, inputs, labels, Int32Array.from(first), 'previews'), first.length);
  return { training, test, fingerprint, classes, previews };
}

/**
 * Refuses to measure a model on data labelled with classes it does not output: a retargeted variant on the
 * source model's data (or on other new classes), or a model that was not retargeted on new-class data. Accuracy
 * there would count matches between unrelated class indices.
 */
export function checkMeasuredClasses(
  model: OpenedModel,
  variant: Pick<Variant, 'retarget'> | null,
  data: { dataset: Dataset; newClasses?: boolean },
  dataId: string,
): void {
  const names = (xs: readonly string[]) => joinAnd(xs.slice(0, 6).map((x) => `'${x}'`)) + (xs.length > 6 ? ` and ${xs.length - 6} more` : '');
  const own = data.dataset.classNames;
  if (variant?.retarget) {
    const wanted = variantTarget(model, variant).modelLabels ?? [];
    const same = data.newClasses === true && own.length === wanted.length && own.every((c, i) => c === wanted[i]);
    if (same) return;
    throw new PareError(
      'bad-options',
      `This variant was retargeted to the classes ${names(wanted)}, and the data '${dataId}' is labelled ${data.newClasses ? `with other classes (${names(own)})` : `for the source model's classes${own.length ? ` (${names(own)})` : ''}`}: its accuracy there would mean nothing. Measure it on the held-out images of its own class folders.`,
    );
  }
  if (data.newClasses) {
    throw new PareError(
      'bad-options',
      `The data '${dataId}' holds new classes (${names(own)}) that this model does not output: its accuracy there would mean nothing. Measure it on data for its own classes.`,
    );
  }
}
