/**
 * Reading the attributes of a TF.js graph node as the converter writes them (a NodeDef as JSON: strings base64,
 * integers as decimal strings), and the output shape of the ops channel removal follows.
 */
import type { GraphNode } from '../model/graph-topology';
import type { Shape } from '../model/layer-shapes';

type Attr = { s?: string; i?: string | number; b?: boolean; list?: { s?: string[]; i?: (string | number)[] }; shape?: unknown };

const attr = (node: GraphNode, key: string) => node.attr?.[key] as Attr | undefined;
const text = (b64: string) => (typeof atob === 'function' ? atob(b64) : Buffer.from(b64, 'base64').toString('latin1'));

export function attrString(node: GraphNode, key: string): string | undefined {
  const s = attr(node, key)?.s;
  return typeof s === 'string' ? text(s) : undefined;
}

export function attrStrings(node: GraphNode, key: string): string[] {
  return (attr(node, key)?.list?.s ?? []).map(text);
}

export function attrInts(node: GraphNode, key: string): number[] {
  return (attr(node, key)?.list?.i ?? []).map(Number);
}

export function attrBool(node: GraphNode, key: string): boolean {
  return attr(node, key)?.b === true;
}

function windowed(len: number | null, k: number, stride: number, dilation: number, padding: string | undefined): number | null {
  if (len === null) return null;
  if (padding === 'SAME') return Math.ceil(len / stride);
  return Math.max(0, Math.ceil((len - ((k - 1) * dilation + 1) + 1) / stride));
}

/** Spatial output sizes of a convolution or pooling over an NHWC input; undefined for explicit padding. */
export function windowOutput(node: GraphNode, x: Shape, kh: number, kw: number): (number | null)[] | undefined {
  const padding = attrString(node, 'padding');
  if (padding !== 'SAME' && padding !== 'VALID') return undefined;
  const strides = attrInts(node, 'strides');
  const dilations = attrInts(node, 'dilations');
  return [
    windowed(x[1] ?? null, kh, strides[1] ?? 1, dilations[1] ?? 1, padding),
    windowed(x[2] ?? null, kw, strides[2] ?? 1, dilations[2] ?? 1, padding),
  ];
}

/**
 * The output shape of ops channel removal does not see through but whose shape is still known, so multiply-adds
 * after them (a model's own preprocessing: Unpack, ExpandDims, resizing) can be counted. Undefined when unknown.
 */
export function opaqueShape(node: GraphNode, x: Shape | undefined, constValues: (input: string | undefined) => ArrayLike<number> | undefined): Shape | undefined {
  if (!x) return undefined;
  const inputs = node.input ?? [];
  switch (node.op) {
    case 'ExpandDims': {
      const d = constValues(inputs[1])?.[0];
      if (d === undefined) return undefined;
      const at = d < 0 ? x.length + 1 + d : d;
      return [...x.slice(0, at), 1, ...x.slice(at)];
    }
    case 'Squeeze': {
      const dims = attrInts(node, 'squeeze_dims').map((d) => (d < 0 ? d + x.length : d));
      return x.filter((d, i) => (dims.length ? !dims.includes(i) : d !== 1));
    }
    case 'Unpack': {
      const axis = Number((node.attr?.axis as { i?: string | number } | undefined)?.i ?? 0);
      const at = axis < 0 ? axis + x.length : axis;
      return x.filter((_, i) => i !== at);
    }
    case 'ResizeBilinear':
    case 'ResizeNearestNeighbor': {
      const size = constValues(inputs[1]);
      return size && size.length === 2 && x.length === 4 ? [x[0]!, Number(size[0]), Number(size[1]), x[3]!] : undefined;
    }
    case 'Reshape': {
      const target = constValues(inputs[1]);
      if (!target) return undefined;
      const dims = Array.from(target, Number);
      const known = x.every((d) => d !== null) ? (x as number[]).reduce((a, b) => a * b, 1) : null;
      const rest = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      return dims.map((d) => (d === -1 ? (known === null || rest === 0 ? null : known / rest) : d));
    }
    default:
      return undefined;
  }
}
