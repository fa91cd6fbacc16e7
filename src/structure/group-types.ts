/**
 * What must shrink together when a channel goes. A channel group is one set of channels that every member tensor
 * carries along one axis: the kernels and biases that produce it, the batch norms and depthwise kernels it passes
 * through, the input rows of the kernels that consume it, and (through residual adds) every branch of the add.
 */

/**
 * Where channel c of a group sits along a member's axis: indices `s * stride + (offset + c) * inner + j` for every
 * s < repeat and j < inner. Plain members have offset 0, inner 1, repeat 1. A concatenation shifts the offset; a
 * Flatten before a Dense repeats each channel once per spatial position (stride = the flattened width); a
 * separable convolution's pointwise kernel reads `inner` = depth-multiplier rows per input channel.
 */
export interface ChannelLayout {
  offset: number;
  inner: number;
  repeat: number;
  stride: number;
}

export interface GroupMember {
  weight: string;
  /** The layer (or node) that owns the weight. */
  layer: string;
  axis: number;
  /** `out`: produces the channels (kernel output axis, bias); `in`: reads them (kernel input rows); `param`: per-channel parameters carried along (batch norm, depthwise). */
  role: 'out' | 'in' | 'param';
  layout: ChannelLayout;
}

export interface ChannelGroup {
  id: number;
  /** Channels the group has now. */
  channels: number;
  /** Layers whose config names the channel count (filters, units): rewritten when the group shrinks. */
  producers: string[];
  /** Every layer with a member, in model order. */
  layers: string[];
  members: GroupMember[];
  /** Layers whose outputs carry the group's channels after their activation: where calibration measures them. */
  probes: string[];
  /** False when Pare cannot prove removing channels safe; `reason` then says why. */
  prunable: boolean;
  reason?: string;
  /** Multiply-adds of the layers with a member (one sample), the work that scales with the group's width. */
  macs: number;
}

export interface LayerMacs {
  layer: string;
  className: string;
  macs: number;
}

export interface GroupAnalysis {
  groups: ChannelGroup[];
  /** Multiply-adds of every layer, in model order (one sample). */
  layers: LayerMacs[];
  totalMacs: number;
}

export const plainLayout = (width: number): ChannelLayout => ({ offset: 0, inner: 1, repeat: 1, stride: width });

/** The indices along a member's axis that carry channel c. */
export function indicesOf(layout: ChannelLayout, c: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < layout.repeat; s++) {
    for (let j = 0; j < layout.inner; j++) out.push(s * layout.stride + (layout.offset + c) * layout.inner + j);
  }
  return out;
}
