/**
 * Cross-checks each weight's manifest shape against what the topology says it must be, so that a wrong shape
 * is reported by weight name instead of as shards of the wrong length (or a cryptic "Shape mismatch" from the
 * stock loader). Layers models: kernels and biases of Dense and convolution layers against units, filters and
 * kernel_size. Graph models: each weight against its Const node's declared tensor shape.
 */
import { PareError } from '../errors';
import { quoteName } from '../files/quote';
import { shownShape } from './weight-specs';
import type { ModelFormat } from '../model/types';
import { collectLayers, type LayerNode } from '../model/layers-topology';
import { resolveLayerWeight } from '../model/prunable';
import { indexGraph, shapeFromProto } from '../model/graph-topology';
import type { WeightSpecJson } from './model-json-schema';

/** A pattern: a number must match, null matches any size. */
type Expected = (number | null)[];

/**
 * Throws PareError 'shape-mismatch' naming the first weight whose shape contradicts the topology.
 *
 * @example
 *   checkTopologyShapes('layers-model', json.modelTopology, specs, 'model.json');
 */
export function checkTopologyShapes(
  format: ModelFormat,
  topology: unknown,
  specs: readonly WeightSpecJson[],
  file: string,
): void {
  if (format === 'layers-model') checkLayers(topology, specs, file);
  else checkGraph(topology, specs, file);
}

function checkLayers(topology: unknown, specs: readonly WeightSpecJson[], file: string): void {
  const layers = new Map<string, LayerNode>();
  for (const layer of collectLayers(topology)) if (!layers.has(layer.name)) layers.set(layer.name, layer);
  for (const spec of specs) {
    const { layer, kind } = resolveLayerWeight(spec.name, layers);
    if (!layer) continue;
    const expected = expectedLayerShape(layer, kind);
    if (expected && !matches(spec.shape, expected.shape)) {
      throw mismatch(spec, file, `${pattern(expected.shape)} for ${layer.className} ${quoteName(layer.name)} (${expected.why})`);
    }
  }
}

function expectedLayerShape(layer: LayerNode, kind: string): { shape: Expected; why: string } | undefined {
  const c = layer.config;
  const filters = typeof c.filters === 'number' ? c.filters : null;
  const kernel = (rank: number): (number | null)[] =>
    Array.from({ length: rank }, (_, i) => {
      const k = c.kernel_size;
      if (typeof k === 'number') return k;
      if (Array.isArray(k) && typeof k[i] === 'number') return k[i] as number;
      return null;
    });
  const kernelWhy = `kernel_size ${JSON.stringify(c.kernel_size)}, filters ${filters}`;
  switch (layer.className) {
    case 'Dense': {
      const units = typeof c.units === 'number' ? c.units : null;
      if (kind === 'kernel') return { shape: [null, units], why: `units ${units}` };
      if (kind === 'bias') return { shape: [units], why: `units ${units}` };
      return undefined;
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      const rank = Number(layer.className[4]);
      if (kind === 'kernel') return { shape: [...kernel(rank), null, filters], why: kernelWhy };
      if (kind === 'bias') return { shape: [filters], why: `filters ${filters}` };
      return undefined;
    }
    case 'Conv2DTranspose':
      if (kind === 'kernel') return { shape: [...kernel(2), filters, null], why: kernelWhy };
      if (kind === 'bias') return { shape: [filters], why: `filters ${filters}` };
      return undefined;
    case 'DepthwiseConv2D': {
      const multiplier = typeof c.depth_multiplier === 'number' ? c.depth_multiplier : 1;
      if (kind === 'depthwise_kernel') {
        return { shape: [...kernel(2), null, multiplier], why: `kernel_size ${JSON.stringify(c.kernel_size)}, depth_multiplier ${multiplier}` };
      }
      return undefined;
    }
    case 'SeparableConv2D':
      if (kind === 'depthwise_kernel') return { shape: [...kernel(2), null, null], why: kernelWhy };
      if (kind === 'pointwise_kernel') return { shape: [1, 1, null, filters], why: `filters ${filters}` };
      if (kind === 'bias') return { shape: [filters], why: `filters ${filters}` };
      return undefined;
    default:
      return undefined;
  }
}

function checkGraph(topology: unknown, specs: readonly WeightSpecJson[], file: string): void {
  const { nodes } = indexGraph(topology);
  for (const spec of specs) {
    const node = nodes.get(spec.name);
    if (!node || node.op !== 'Const') continue;
    const tensor = (node.attr?.value as { tensor?: { tensorShape?: unknown } } | undefined)?.tensor;
    if (!tensor || tensor.tensorShape === undefined) continue;
    const declared = shapeFromProto(tensor.tensorShape);
    if (declared && !matches(spec.shape, declared)) {
      throw mismatch(spec, file, `${pattern(declared)} as its Const node in the graph declares`);
    }
  }
}

function matches(shape: readonly number[], expected: Expected): boolean {
  return shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
}

function pattern(shape: Expected): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function mismatch(spec: WeightSpecJson, file: string, expected: string): PareError {
  return new PareError(
    'shape-mismatch',
    `Weight ${quoteName(spec.name)} in ${quoteName(file)} has shape [${shownShape(spec.shape)}]; expected ${expected}.`,
    { file, weight: spec.name },
  );
}
