/**
 * Multiply-adds of one layer for one sample, from its config and shapes: what wasm latency follows. Only the
 * layers that multiply weights by inputs count (convolutions, dense); channel-wise work is small beside them.
 */
import type { Shape } from '../model/layer-shapes';

const prod = (dims: readonly (number | null)[]) => dims.reduce<number>((a, d) => a * (d ?? 1), 1);

function kernelArea(config: Record<string, unknown>, rank: number): number {
  const k = config.kernel_size;
  if (typeof k === 'number') return k ** rank;
  return Array.isArray(k) ? prod(k as number[]) : 1;
}

/**
 * @example layerMacs('Conv2D', { kernel_size: [3, 3], filters: 8 }, [[null, 28, 28, 4]], [null, 28, 28, 8]); // 28*28*9*4*8
 */
export function layerMacs(className: string, config: Record<string, unknown>, inputs: Shape[], output: Shape): number {
  const x = inputs[0];
  if (!x) return 0;
  const cin = x[x.length - 1] ?? 0;
  const cout = output[output.length - 1] ?? 0;
  const positions = prod(output.slice(1, -1));
  const rank = output.length - 2;
  const m = typeof config.depth_multiplier === 'number' ? config.depth_multiplier : 1;
  switch (className) {
    case 'Dense':
      return prod(x.slice(1, -1)) * cin * cout;
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
      return positions * kernelArea(config, rank) * cin * cout;
    case 'DepthwiseConv1D':
    case 'DepthwiseConv2D':
      return positions * kernelArea(config, rank) * cin * m;
    case 'SeparableConv1D':
    case 'SeparableConv2D':
      return positions * (kernelArea(config, rank) * cin * m + cin * m * cout);
    default:
      return 0;
  }
}
