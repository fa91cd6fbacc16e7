/**
 * How raw data becomes model input: image size, channels and value scaling. Stated, never guessed silently:
 * the model's metadata wins (Pare's own `userDefinedMetadata.pare.preprocessing`, or a Teachable Machine
 * metadata.json), else it is inferred from the input shape and dtype, and the UI shows the sentence it carries.
 */
import { PareError } from '../errors';

/**
 * Value scaling of 8-bit pixels p (0..255):
 * - '0,1': p / 255 (the default, and what Pare's samples use)
 * - '-1,1': p / 127.5 - 1 (MobileNet-style and Teachable Machine image models)
 * - '0,255': p unchanged (models that take raw pixels, such as int32-input graph models)
 * - {mean, std}: (p / 255 - mean[c]) / std[c], with mean and std given in [0, 1] units per channel
 *   (one value applies to every channel), e.g. ImageNet's mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225].
 */
export type Scale = '0,1' | '-1,1' | '0,255' | { mean: number[]; std: number[] };

export interface Preprocessing {
  /** 'image': the input is pixels (HWC, possibly flattened); 'features': tabular numbers, no image steps. */
  kind: 'image' | 'features';
  height: number;
  width: number;
  /** 1 (gray), 3 (RGB) or 4 (RGBA); for features, 1. */
  channels: number;
  scale: Scale;
  /** Where this came from: the model's metadata, inference from its input shape, or the user's edit. */
  source: 'metadata' | 'inferred' | 'user';
  /** One sentence for the UI. */
  description: string;
}

/** What Pare reads from a model's metadata. */
export interface ModelMetadata {
  labels?: string[];
  height?: number;
  width?: number;
  channels?: number;
  scale?: Scale;
  /** Which kind of metadata it was. */
  from: 'pare' | 'teachable-machine' | 'none';
}

/** Default side for image inputs whose height/width are free (null) and not given by metadata. */
export const DEFAULT_IMAGE_SIDE = 224;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function positiveInt(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : undefined;
}

function numberList(x: unknown): number[] | undefined {
  if (typeof x === 'number' && Number.isFinite(x)) return [x];
  if (Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return x as number[];
  }
  return undefined;
}

/** Reads a scale given as [lo, hi], 'lo,hi', or {mean, std}; undefined when absent or not understood. */
export function parseScale(x: unknown): Scale | undefined {
  if (typeof x === 'string') {
    const s = x.replace(/[\s[\]()]/g, '');
    if (s === '0,1' || s === '-1,1' || s === '0,255') return s;
    return undefined;
  }
  const pair = numberList(x);
  if (pair && pair.length === 2) {
    const key = `${pair[0]},${pair[1]}`;
    if (key === '0,1' || key === '-1,1' || key === '0,255') return key;
    return undefined;
  }
  if (isRecord(x)) {
    const mean = numberList(x.mean);
    const std = numberList(x.std);
    if (mean && std && std.every((v) => v > 0)) return { mean, std };
  }
  return undefined;
}

/** A scale written as a factor and an optional offset (value = pixel * scale + offset): 1/255, 1/127.5 - 1, 1. */
function scaleFromFactor(factor: unknown, offset: unknown): Scale | undefined {
  if (typeof factor !== 'number') return undefined;
  const off = typeof offset === 'number' ? offset : 0;
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  if (near(factor, 1 / 255) && near(off, 0)) return '0,1';
  if (near(factor, 1 / 127.5) && near(off, -1)) return '-1,1';
  if (near(factor, 1) && near(off, 0)) return '0,255';
  return undefined;
}

/**
 * Reads labels and preprocessing from a model's metadata: `artifacts.userDefinedMetadata` (with Pare's `pare`
 * block), a Pare block itself, or a Teachable Machine metadata.json (`tmVersion`, `labels`, `imageSize`; its
 * image models scale pixels to [-1, 1]).
 */
export function readModelMetadata(metadata: unknown): ModelMetadata {
  if (!isRecord(metadata)) return { from: 'none' };
  const block = isRecord(metadata.pare) ? metadata.pare : metadata;
  const labels = Array.isArray(block.labels) && block.labels.every((l) => typeof l === 'string')
    ? (block.labels as string[])
    : undefined;
  if ('tmVersion' in block || 'imageSize' in block) {
    const side = positiveInt(block.imageSize);
    return { from: 'teachable-machine', labels, height: side, width: side, scale: '-1,1' };
  }
  const pre = isRecord(block.preprocessing) ? block.preprocessing : {};
  const scale = parseScale(pre.scale) ?? scaleFromFactor(pre.scale, pre.offset) ?? parseScale({ mean: pre.mean, std: pre.std });
  const out: ModelMetadata = {
    from: labels || Object.keys(pre).length > 0 ? 'pare' : 'none',
    labels,
    height: positiveInt(pre.height),
    width: positiveInt(pre.width),
    channels: positiveInt(pre.channels),
    scale,
  };
  return out;
}

/** A shape as people read it: "[null, 28, 28, 1]" (null for a free dimension). */
export function shapeText(shape: readonly (number | null | undefined)[]): string {
  return `[${shape.map((d) => (d === null || d === undefined || d < 0 ? 'null' : d)).join(', ')}]`;
}

/** -1 (graph models) and null (layers models) both mean "any size". */
export function normaliseShape(shape: readonly (number | null | undefined)[]): (number | null)[] {
  return shape.map((d) => (d === null || d === undefined || d < 0 ? null : d));
}

function isSquare(n: number): number | null {
  const r = Math.round(Math.sqrt(n));
  return r * r === n ? r : null;
}

/** "scaled to [0, 1]", "scaled to [-1, 1]", ... for descriptions. */
export function scaleText(scale: Scale): string {
  if (scale === '0,1') return 'scaled to [0, 1]';
  if (scale === '-1,1') return 'scaled to [-1, 1]';
  if (scale === '0,255') return 'left as raw values 0 to 255';
  return `scaled to [0, 1] then normalised with mean [${scale.mean.join(', ')}] and std [${scale.std.join(', ')}]`;
}

/** The sentence the UI shows for a preprocessing. */
export function describePreprocessing(p: Omit<Preprocessing, 'description'>): string {
  const why =
    p.source === 'metadata'
      ? "as the model's metadata states"
      : p.source === 'user'
        ? 'as chosen'
        : "inferred from the model's input shape; change it if the model was trained otherwise";
  if (p.kind === 'features') {
    return `Inputs are ${p.width.toLocaleString('en-US')} numeric features used as given (${why}).`;
  }
  const colour = p.channels === 1 ? 'grayscale' : p.channels === 3 ? 'RGB' : 'RGBA';
  return `Images are resized to ${p.width}x${p.height}, converted to ${colour} and ${scaleText(p.scale)} (${why}).`;
}

/** Returns `p` with another scale, marked as the user's choice. */
export function withScale(p: Preprocessing, scale: Scale): Preprocessing {
  const next = { ...p, scale, source: 'user' as const };
  return { ...next, description: describePreprocessing(next) };
}

/**
 * States the preprocessing for a model from its input shape (batch dimension first) and metadata.
 *
 * Shapes [n, h, w, c] with c in 1/3/4 are images; [n, h, w] gray images; [n, k] is an image only when the
 * metadata gives its size or k is a square (gray) or 3 times a square (RGB), else tabular features.
 * Scaling: the metadata's, else raw 0..255 for int32 inputs, else [0, 1].
 *
 * @example
 *   inferPreprocessing([null, 784], undefined).description
 *   // "Images are resized to 28x28, converted to grayscale and scaled to [0, 1] (inferred ...)."
 */
export function inferPreprocessing(
  inputShape: readonly (number | null)[],
  metadata?: unknown,
  inputDtype = 'float32',
): Preprocessing {
  const meta = readModelMetadata(metadata);
  const dims = normaliseShape(inputShape).slice(1);
  let kind: Preprocessing['kind'] = 'image';
  let height: number | undefined;
  let width: number | undefined;
  let channels: number | undefined;

  if (dims.length === 3) {
    [height, width, channels] = [dims[0] ?? meta.height, dims[1] ?? meta.width, dims[2] ?? meta.channels ?? 3];
    height ??= width ?? DEFAULT_IMAGE_SIDE;
    width ??= height;
    if (![1, 3, 4].includes(channels)) {
      throw new PareError(
        'unsupported',
        `The model's input shape ${shapeText(inputShape)} has ${channels} channels; image inputs have 1, 3 or 4.`,
      );
    }
  } else if (dims.length === 2) {
    height = dims[0] ?? meta.height ?? DEFAULT_IMAGE_SIDE;
    width = dims[1] ?? meta.width ?? height;
    channels = 1;
  } else if (dims.length === 1) {
    const k = dims[0];
    const h = meta.height;
    const w = meta.width ?? h;
    const c = meta.channels ?? 1;
    if (h && w && (k === null || h * w * c === k)) {
      [height, width, channels] = [h, w, c];
    } else if (k !== null && isSquare(k)) {
      height = width = isSquare(k)!;
      channels = 1;
    } else if (k !== null && k % 3 === 0 && isSquare(k / 3)) {
      height = width = isSquare(k / 3)!;
      channels = 3;
    } else {
      kind = 'features';
      [height, width, channels] = [1, k ?? 1, 1];
    }
  } else {
    throw new PareError(
      'unsupported',
      `The model's input shape ${shapeText(inputShape)} has rank ${inputShape.length}; Pare evaluates inputs ` +
        `of rank 2 (features or flattened images), 3 (gray images) or 4 (images, NHWC).`,
    );
  }
  const fromMeta = meta.scale !== undefined;
  const scale: Scale = meta.scale ?? (inputDtype === 'int32' ? '0,255' : '0,1');
  const source: Preprocessing['source'] = fromMeta ? 'metadata' : 'inferred';
  const p = { kind, height: height!, width: width!, channels: channels!, scale, source };
  return { ...p, description: describePreprocessing(p) };
}

/**
 * The shape of one sample for a model input (batch dimension dropped, free dimensions filled from the
 * preprocessing). Its element count is always height * width * channels.
 *
 * @throws PareError('shape-mismatch') when the preprocessing does not fit the input shape
 */
export function sampleShapeFor(inputShape: readonly (number | null)[], p: Preprocessing): number[] {
  const dims = normaliseShape(inputShape).slice(1);
  const want = [p.height, p.width, p.channels];
  const total = p.height * p.width * p.channels;
  let shape: number[];
  if (dims.length === 3) shape = dims.map((d, i) => d ?? want[i]);
  else if (dims.length === 2) shape = dims.map((d, i) => d ?? want[i]);
  else shape = [dims[0] ?? total];
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== total) {
    throw new PareError(
      'shape-mismatch',
      `The preprocessing makes ${p.width}x${p.height}x${p.channels} = ${total.toLocaleString('en-US')} values ` +
        `per sample; the model's input shape ${shapeText(inputShape)} takes ${n.toLocaleString('en-US')}.`,
    );
  }
  return shape;
}
