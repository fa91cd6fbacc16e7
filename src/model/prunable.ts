/**
 * Which weights magnitude pruning may touch, and which layer or op owns each weight (DESIGN.md, "Prunable
 * tensors"). Layers models: the kernels of Dense, Conv1D/2D/3D, Conv2DTranspose, DepthwiseConv2D and
 * SeparableConv2D. Graph models: float32 constants feeding the weight input (input 1) of MatMul, Conv2D,
 * DepthwiseConv2dNative and their fused forms, directly or through Identity. Biases, batch-norm parameters,
 * embeddings, int32 tensors and shape constants never are.
 */
import type { ModelFormat } from './types';
import { collectLayers, type LayerNode } from './layers-topology';
import { indexGraph, type Consumer } from './graph-topology';

export interface WeightRole {
  owner: string;
  ownerType: string;
  prunable: boolean;
  /** Set on a batch norm's moving mean or variance: stored as it is unless a rule names it (see recipe/plan.ts). */
  batchNormStatistic?: true;
}

/** Graph batch-norm ops; their inputs 3 and 4 are the moving mean and variance. */
const BATCH_NORM_OPS = new Set(['FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3']);

interface SpecLike {
  name: string;
  dtype: string;
}

/** Layer class -> the variable kinds of it that are prunable. */
const PRUNABLE_LAYER_KINDS: Record<string, readonly string[]> = {
  Dense: ['kernel'],
  Conv1D: ['kernel'],
  Conv2D: ['kernel'],
  Conv3D: ['kernel'],
  Conv2DTranspose: ['kernel'],
  DepthwiseConv2D: ['depthwise_kernel'],
  SeparableConv2D: ['depthwise_kernel', 'pointwise_kernel'],
};

/** Graph ops whose input 1 is a weight matrix or filter. */
const PRUNABLE_OPS = new Set([
  'MatMul',
  'Conv2D',
  'DepthwiseConv2dNative',
  '_FusedMatMul',
  '_FusedConv2D',
  'FusedDepthwiseConv2dNative',
]);

/** Ops that pass a tensor through unchanged; a weight reaches its real consumer through them. */
const PASS_THROUGH_OPS = new Set(['Identity', 'Enter']);

/**
 * Owner and prunability of each weight, in the order of `specs`.
 *
 * @example
 *   weightRoles('layers-model', json.modelTopology, specs)[0]; // { owner: 'dense_1', ownerType: 'Dense', prunable: true }
 */
export function weightRoles(format: ModelFormat, topology: unknown, specs: readonly SpecLike[]): WeightRole[] {
  return format === 'layers-model' ? layersWeightRoles(topology, specs) : graphWeightRoles(topology, specs);
}

/** Roles in a layers model: each weight is mapped to its layer through the topology's layer names. */
export function layersWeightRoles(topology: unknown, specs: readonly SpecLike[]): WeightRole[] {
  const layers = new Map<string, LayerNode>();
  for (const layer of collectLayers(topology)) if (!layers.has(layer.name)) layers.set(layer.name, layer);
  return specs.map((spec) => {
    const { layer, kind } = resolveLayerWeight(spec.name, layers);
    if (!layer) return { owner: ownerGuess(spec.name), ownerType: 'unknown', prunable: false };
    const ruleClass = layer.innerClassName && layer.className === 'TimeDistributed' ? layer.innerClassName : layer.className;
    const prunable = spec.dtype === 'float32' && (PRUNABLE_LAYER_KINDS[ruleClass] ?? []).includes(kind);
    const ownerType = layer.innerClassName ? `${layer.className}(${layer.innerClassName})` : layer.className;
    const statistic = ruleClass === 'BatchNormalization' && (kind === 'moving_mean' || kind === 'moving_variance');
    return { owner: layer.name, ownerType, prunable, ...(statistic ? { batchNormStatistic: true as const } : {}) };
  });
}

/**
 * Splits a layers weight name into its layer and variable kind. Names look like 'dense_1/kernel', sometimes
 * with a model prefix ('sequential_1/dense_1/kernel'), a cell in between ('lstm/lstm_cell/kernel'), a ':0'
 * tensor suffix or a '_1' uniqueness suffix ('dense_1/kernel_1'). The rightmost path part naming a layer wins.
 */
export function resolveLayerWeight(
  name: string,
  layers: ReadonlyMap<string, LayerNode>,
): { layer: LayerNode | undefined; kind: string } {
  const parts = name.split('/');
  const kind = parts[parts.length - 1].replace(/:\d+$/, '').replace(/_\d+$/, '');
  const scopes = parts.slice(0, -1);
  for (const strip of [false, true]) {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const scope = strip ? scopes[i].replace(/_\d+$/, '') : scopes[i];
      const layer = layers.get(scope);
      if (layer) return { layer, kind };
    }
  }
  return { layer: undefined, kind };
}

function ownerGuess(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash > 0 ? name.slice(0, slash) : name;
}

/** Roles in a graph model: each weight is a Const node; its owner is the op that consumes it. */
export function graphWeightRoles(topology: unknown, specs: readonly SpecLike[]): WeightRole[] {
  const { consumers } = indexGraph(topology);
  return specs.map((spec) => {
    const uses = realConsumers(spec.name, consumers);
    const weightUse = uses.find((u) => u.index === 1 && PRUNABLE_OPS.has(u.node.op));
    const owner = weightUse ?? uses[0];
    return {
      owner: owner ? owner.node.name : spec.name,
      ownerType: owner ? owner.node.op : 'Const',
      prunable: spec.dtype === 'float32' && weightUse !== undefined,
      ...(uses.some((u) => BATCH_NORM_OPS.has(u.node.op) && (u.index === 3 || u.index === 4)) ? { batchNormStatistic: true as const } : {}),
    };
  });
}

/** The consumers of a node's output, looking through Identity/Enter nodes to the ops that compute with it. */
function realConsumers(name: string, consumers: ReadonlyMap<string, Consumer[]>): Consumer[] {
  const out: Consumer[] = [];
  const seen = new Set<string>([name]);
  const queue = [name];
  while (queue.length > 0) {
    for (const use of consumers.get(queue.shift() as string) ?? []) {
      if (PASS_THROUGH_OPS.has(use.node.op) && use.index === 0) {
        if (!seen.has(use.node.name)) {
          seen.add(use.node.name);
          queue.push(use.node.name);
        }
      } else {
        out.push(use);
      }
    }
  }
  return out;
}
