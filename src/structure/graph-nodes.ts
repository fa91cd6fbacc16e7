/**
 * GraphDef nodes as JSON, spelled the way tensorflowjs_converter writes them and TF.js's operation mapper reads
 * them (tfjs-converter/src/operations/operation_mapper.ts): int64 values as decimal strings, strings base64, lists
 * under `list`, dtypes as enum names, shapes as `{dim: [{size}]}` with -1 for a free dimension.
 */
import type { GraphNode } from '../model/graph-topology';

type Attr = Record<string, unknown>;

export const int = (n: number): Attr => ({ i: String(n) });
export const float = (f: number): Attr => ({ f });
export const bool = (b: boolean): Attr => ({ b });
export const str = (s: string): Attr => ({ s: base64(s) });
export const ints = (list: readonly number[]): Attr => ({ list: list.length ? { i: list.map(String) } : {} });
export const strs = (list: readonly string[]): Attr => ({ list: list.length ? { s: list.map(base64) } : {} });
export const dtype = (d: 'float32' | 'int32' | 'bool'): Attr => ({ type: TF_DTYPES[d] });

const TF_DTYPES = { float32: 'DT_FLOAT', int32: 'DT_INT32', bool: 'DT_BOOL' } as const;

/** A TensorShapeProto: null (any size) is -1. */
export function tensorShape(shape: readonly (number | null)[]): { dim: { size: string }[] } {
  return { dim: shape.map((d) => ({ size: String(d ?? -1) })) };
}

function base64(s: string): string {
  // Attribute strings here are ASCII op and padding names, so btoa (browser and Node) is exact.
  return btoa(s);
}

export function node(name: string, op: string, input: string[], attr: Attr = {}): GraphNode {
  return { name, op, input, attr };
}

/** A weight as the converter writes it: a Const node whose value the manifest entry of the same name holds. */
export function constNode(name: string, d: 'float32' | 'int32' | 'bool', shape: readonly number[]): GraphNode {
  return node(name, 'Const', [], { value: { tensor: { dtype: TF_DTYPES[d], tensorShape: tensorShape(shape) } }, dtype: dtype(d) });
}

export function placeholderNode(name: string, d: 'float32' | 'int32', shape: readonly (number | null)[]): GraphNode {
  return node(name, 'Placeholder', [], { shape: { shape: tensorShape(shape) }, dtype: dtype(d) });
}

/** Strides, dilations and pooling windows in NHWC form: [1, h, w, 1]. */
export function nhwc(value: unknown, fallback: number): number[] {
  const [h, w] = pair(value, fallback);
  return [1, h, w, 1];
}

/** A Keras `int | [int, int]` config value. */
export function pair(value: unknown, fallback: number): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && typeof value[0] === 'number') return [value[0], typeof value[1] === 'number' ? value[1] : value[0]];
  return [fallback, fallback];
}
