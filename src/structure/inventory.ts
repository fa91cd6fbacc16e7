/**
 * The channel groups of a model as the studio and `pare inspect --groups` show them: which layers shrink together,
 * how many channels, the multiply-adds that scale with them, and for each group Pare leaves alone, why.
 */
import type { OpenedModel } from '../model/types';
import { ownLayers } from './choose';
import { channelGroups } from './groups';

export interface GroupRow {
  id: number;
  /** The layers whose outputs carry the channels (what perGroup rules match), then the layers that read them. */
  layers: string[];
  readers: string[];
  channels: number;
  macs: number;
  prunable: boolean;
  reason?: string;
}

export interface ChannelInventory {
  /** Multiply-adds per sample of the layers Pare can size (graph models whose shapes get lost count less). */
  totalMacs: number;
  groups: GroupRow[];
}

/**
 * @example channelInventory(await openModel(files)).groups.filter((g) => g.prunable).map((g) => g.layers[0]);
 */
export function channelInventory(model: OpenedModel): ChannelInventory {
  const analysis = channelGroups({ format: model.format, modelTopology: model.artifacts.modelTopology, weights: model.weights, outputs: model.outputs });
  return {
    totalMacs: analysis.totalMacs,
    groups: analysis.groups.map((g) => {
      const own = ownLayers(g);
      return {
        id: g.id,
        layers: own,
        readers: g.layers.filter((l) => !own.includes(l)),
        channels: g.channels,
        macs: g.macs,
        prunable: g.prunable,
        ...(g.reason !== undefined ? { reason: g.reason } : {}),
      };
    }),
  };
}
