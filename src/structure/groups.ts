/**
 * Channel groups of a model: what must shrink together when a channel goes, which groups Pare can shrink (and why
 * not, for the others), and the multiply-adds each group's layers cost.
 */
import type { ModelFormat } from '../model/types';
import type { GroupAnalysis } from './group-types';
import { graphGroups } from './groups-graph';
import { layersGroups, type WeightRef } from './groups-layers';

export type { ChannelGroup, GroupAnalysis, GroupMember, ChannelLayout } from './group-types';

export interface StructuredModel {
  format: ModelFormat;
  modelTopology: unknown;
  weights: readonly WeightRef[];
  /** Output tensor names ('Identity:0'), for graph models: their channels must stay. */
  outputs?: readonly { name: string }[];
}

/**
 * @example
 *   const { groups, totalMacs } = channelGroups({ format: m.format, modelTopology: m.artifacts.modelTopology, weights: m.weights });
 *   groups.filter((g) => g.prunable).map((g) => g.layers);
 */
export function channelGroups(model: StructuredModel): GroupAnalysis {
  if (model.format === 'layers-model') return layersGroups(model.modelTopology, model.weights);
  return graphGroups(model.modelTopology, model.weights, (model.outputs ?? []).map((o) => o.name));
}
