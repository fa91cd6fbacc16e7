/**
 * The bookkeeping both model walks share (layers and graph models): channel spaces (a set of channels some tensor
 * carries), the members that shrink with each, the reasons that make one unprunable, and union-find for the
 * elementwise ops that tie spaces together. A tensor is a Flow: its shape and the spaces along its last axis.
 */
import type { Shape } from '../model/layer-shapes';
import type { ChannelGroup, GroupMember } from './group-types';

export interface Seg {
  space: number;
  offset: number;
  width: number;
}
/** A tensor as far as channels go: its shape, and the spaces its last axis carries (repeated `repeat` times after a flatten). */
export interface Flow {
  shape: Shape | undefined;
  segs: Seg[];
  width: number;
  repeat: number;
}
interface Space {
  width: number;
  reasons: string[];
  members: GroupMember[];
  producers: string[];
  /** The last channel-wise layer after the producer: where the channels' activations are measured. */
  probe: string;
  order: number;
}
export interface WeightRef {
  name: string;
  shape: number[];
  owner: string;
  /** Needed only for the small integer constants a graph walk reads (axes, paddings). */
  values?: ArrayLike<number>;
}

export class SpaceTable {
  private readonly spaces: Space[] = [];
  private readonly parent: number[] = [];

  find(s: number): number {
    return this.parent[s] === s ? s : (this.parent[s] = this.find(this.parent[s]!));
  }

  /** A flow of new channels, produced by `producer` (or by nothing Pare can shrink, with the reason). */
  fresh(shape: Shape | undefined, producer: string | null, reason?: string, width?: number): Flow {
    const last = width ?? shape?.[shape.length - 1];
    const w = typeof last === 'number' ? last : 0;
    const id = this.spaces.length;
    const why = w ? reason : reason ?? 'its width is unknown';
    this.spaces.push({ width: w, reasons: why ? [why] : [], members: [], producers: producer ? [producer] : [], probe: producer ?? '', order: id });
    this.parent.push(id);
    return { shape, segs: [{ space: id, offset: 0, width: w }], width: w, repeat: 1 };
  }

  mark(flow: Flow | undefined, reason: string): void {
    flow?.segs.forEach((s) => this.spaces[this.find(s.space)]!.reasons.push(reason));
  }

  union(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra === rb) return;
    const [keep, gone] = this.spaces[ra]!.order <= this.spaces[rb]!.order ? [ra, rb] : [rb, ra];
    const k = this.spaces[keep]!;
    const g = this.spaces[gone]!;
    if (k.width !== g.width) k.reasons.push(`an elementwise op joins ${k.width} channels with ${g.width}`);
    k.reasons.push(...g.reasons);
    k.members.push(...g.members);
    k.producers.push(...g.producers);
    this.parent[gone] = keep;
  }

  /** Adds `weight` (axis) of `layer` as a member for every segment of `flow`; false when the weight is missing or its length disagrees. */
  addMembers(flow: Flow, layer: string, weight: WeightRef | undefined, axis: number, role: GroupMember['role'], inner = 1): boolean {
    if (!weight || weight.shape[axis] !== flow.width * flow.repeat * inner) return false;
    for (const s of flow.segs) {
      this.spaces[this.find(s.space)]!.members.push({ weight: weight.name, layer, axis, role, layout: { offset: s.offset, inner, repeat: flow.repeat, stride: flow.width * inner } });
    }
    return true;
  }

  /** An activation right after the probe of a single-space flow becomes the new probe. */
  advanceProbe(x: Flow, layer: string, input: string): void {
    if (x.segs.length !== 1 || x.repeat !== 1) return;
    const sp = this.spaces[this.find(x.segs[0]!.space)]!;
    if (sp.probe === input) sp.probe = layer;
  }

  /** One group per root space that anything produces or reads, layers in model order. */
  groups(order: ReadonlyMap<string, number>, macsOf: ReadonlyMap<string, number>): ChannelGroup[] {
    const out: ChannelGroup[] = [];
    const rank = (a: string, b: string) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
    for (let s = 0; s < this.spaces.length; s++) {
      if (this.find(s) !== s) continue;
      const sp = this.spaces[s]!;
      if (sp.producers.length === 0 && sp.members.length === 0) continue;
      const layers = [...new Set([...sp.producers, ...sp.members.map((m) => m.layer)])].sort(rank);
      const reason = sp.reasons[0] ?? (sp.producers.length === 0 ? 'no layer Pare can shrink produces these channels' : sp.width < 2 ? 'it has a single channel' : undefined);
      const probes = [...new Set(this.spaces.filter((p, i) => this.find(i) === s && p.producers.length).map((p) => p.probe))];
      out.push({
        id: out.length,
        channels: sp.width,
        producers: [...sp.producers].sort(rank),
        layers,
        members: sp.members,
        probes,
        prunable: reason === undefined,
        ...(reason !== undefined ? { reason } : {}),
        macs: layers.reduce((n, l) => n + (macsOf.get(l) ?? 0), 0),
      });
    }
    return out;
  }
}
