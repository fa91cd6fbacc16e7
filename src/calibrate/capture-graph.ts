/**
 * Input statistics for graph models: the activation a MatMul or Conv2D (fused or not) multiplies with its weight is
 * the output of the node named by its input 0, which tf.GraphModel.execute returns when asked for it by name. The
 * same sums, squares and Gram matrices as capture.ts, batch by batch, so memory stays one batch of activations
 * plus d² per layer.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import { executeGraph } from '../evaluate/run-model';
import { indexGraph, nodeNameOf, type GraphNode } from '../model/graph-topology';
import { attrBool, attrInts, attrString } from '../structure/graph-attrs';
import { addBatchStats, emptyStats, patchKernelFor, targetStats, type CaptureOptions, type CaptureTarget, type InputStats } from './capture';

export interface GraphCaptureTarget extends CaptureTarget {
  /** The tensor the op multiplies with the weight: its input 0, as execute() names outputs. */
  input: string;
}

const CONV_OPS = new Set(['Conv2D', '_FusedConv2D']);
const MATMUL_OPS = new Set(['MatMul', '_FusedMatMul']);
const DEPTHWISE_OPS = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);

/**
 * What the statistics can cover in a graph: NHWC Conv2D and depthwise convolutions with SAME/VALID padding, and
 * MatMul without transposes. Else why not.
 */
export function graphTargetFor(
  weight: { name: string; owner: string; shape: readonly number[] },
  nodes: ReadonlyMap<string, GraphNode>,
  maxInputs: number | null,
): GraphCaptureTarget | string {
  const node = nodes.get(weight.owner);
  if (!node || !node.input?.[0]) return `its op '${weight.owner}' is not in the graph`;
  if (nodeNameOf(node.input[1] ?? '') !== weight.name) return `it reaches '${node.name}' through another op`;
  const input = node.input[0];
  const dIn = weight.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (maxInputs !== null && dIn > maxInputs && !DEPTHWISE_OPS.has(node.op)) return `its ${dIn.toLocaleString('en-US')} inputs make the Gram matrix too large (at most ${maxInputs.toLocaleString('en-US')})`;
  if (MATMUL_OPS.has(node.op)) {
    if (attrBool(node, 'transpose_a') || attrBool(node, 'transpose_b')) return `'${node.name}' multiplies a transposed matrix`;
    return { weight: weight.name, layer: node.name, kind: 'dense', dIn, input };
  }
  const isDepthwise = DEPTHWISE_OPS.has(node.op);
  if ((CONV_OPS.has(node.op) || isDepthwise) && weight.shape.length === 4) {
    const format = attrString(node, 'data_format') ?? 'NHWC';
    if (format !== 'NHWC') return `'${node.name}' is ${format}`;
    const padding = attrString(node, 'padding');
    if (padding !== 'SAME' && padding !== 'VALID') return `'${node.name}' has ${padding ?? 'unknown'} padding`;
    const strides = attrInts(node, 'strides');
    const dilations = attrInts(node, 'dilations');
    return {
      weight: weight.name,
      layer: node.name,
      kind: isDepthwise ? 'depthwise' : 'conv2d',
      dIn: isDepthwise ? weight.shape[0]! * weight.shape[1]! * weight.shape[2]! : dIn,
      input,
      conv: {
        kernelSize: [weight.shape[0]!, weight.shape[1]!],
        strides: [strides[1] ?? 1, strides[2] ?? 1],
        dilation: [dilations[1] ?? 1, dilations[2] ?? 1],
        padding: padding === 'SAME' ? 'same' : 'valid',
      },
    };
  }
  return `${node.op} weights are not covered yet (MatMul, Conv2D and DepthwiseConv2dNative are)`;
}

/** The graph's nodes by name, for graphTargetFor. */
export function graphNodes(topology: unknown): Map<string, GraphNode> {
  return indexGraph(topology).nodes;
}

/**
 * Runs `model` on the first `samples` samples and returns each target's input statistics.
 * @example const stats = await captureGraphInputStats(graph, targets, photos, { samples: 64, gram: true });
 */
export async function captureGraphInputStats(
  model: tf.GraphModel,
  targets: readonly GraphCaptureTarget[],
  dataset: Dataset,
  options: CaptureOptions,
): Promise<Map<string, InputStats>> {
  const stats = new Map<string, InputStats>();
  if (!targets.length) return stats;
  const total = Math.min(options.samples, dataset.size);
  if (!(total > 0)) throw new PareError('bad-data', 'The calibration data has no samples.');
  // A first layer multiplies the model's input itself, which is fed, not executed.
  const fed = new Set(model.inputs.map((i) => nodeNameOf(i.name)));
  const names = [...new Set(targets.map((t) => t.input))].filter((n) => !fed.has(nodeNameOf(n)));
  const kernels = targets.map(patchKernelFor);
  for (const t of targets) stats.set(t.weight, emptyStats(t, options.gram));
  // Graph models exported for one batch size (blazeface, movenet: [1, h, w, 3]) accept nothing else, and an int32
  // input (movenet's pixels) only int32.
  const input = model.inputs[0]!;
  const fixed = input.shape?.[0];
  const batchSize = fixed !== undefined && fixed !== null && fixed > 0 ? fixed : (options.batchSize ?? 32);
  const dtype = input.dtype === 'int32' ? 'int32' : 'float32';
  try {
    for (let start = 0; start < total; start += batchSize) {
      options.checkAbort?.();
      const batch = await dataset.batch(start, Math.min(start + batchSize, total));
      if (batch.count === 0) continue;
      const rowCounts: number[] = [];
      const x = tf.tensor(batch.inputs, [batch.count, ...dataset.sampleShape], dtype);
      let list: tf.Tensor[];
      try {
        list = names.length ? await executeGraph(model, x, names) : [];
      } catch (e) {
        x.dispose();
        throw e;
      }
      const byName = new Map(names.map((n, i) => [n, list[i]!]));
      const results = tf.tidy(() => {
        return targets.map((t, i) => {
          const { rows, results } = targetStats(byName.get(t.input) ?? x, t, kernels[i]!, options.gram);
          rowCounts.push(rows);
          return results;
        });
      });
      tf.dispose([x, ...list]);
      await addBatchStats(stats, targets, results, rowCounts);
      await options.onBatch?.(Math.min(start + batchSize, total), total);
    }
  } finally {
    for (const k of kernels) k?.dispose();
  }
  return stats;
}
