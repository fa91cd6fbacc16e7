/**
 * Invariants of choosing and slicing channels, over random groups and scores (fast-check): no group emptied, kept
 * counts multiples of roundTo (or all), the global ratio exact when nothing is rounded, the strongest channels kept,
 * and slicing equal to reading the kept indices one by one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseChannels } from './choose';
import { plainLayout, type ChannelGroup } from './group-types';
import { sliceAxis } from './slice';

const group = (id: number, channels: number): ChannelGroup => ({
  id, channels, producers: [`layer${id}`], layers: [`layer${id}`], probes: [], prunable: true, macs: 0,
  members: [{ weight: `layer${id}/kernel`, layer: `layer${id}`, axis: 1, role: 'out', layout: plainLayout(channels) }],
});

const groupsAndScores = fc.array(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 });

describe('chooseChannels', () => {
  it('never empties a group, keeps multiples of roundTo, and keeps the strongest channels of each group', () => {
    fc.assert(
      fc.property(groupsAndScores, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(1, 4, 8), (lists, ratio, roundTo) => {
        const groups = lists.map((l, i) => group(i, l.length));
        const scores = new Map(lists.map((l, i) => [i, Float64Array.from(l)]));
        const keep = chooseChannels(groups, scores, { ratio, perGroup: [], roundTo, where: 'step' });
        for (const g of groups) {
          const kept = keep.get(g.id)!;
          expect(kept.length).toBeGreaterThanOrEqual(1);
          expect(kept.length === g.channels || kept.length % roundTo === 0).toBe(true);
          const s = scores.get(g.id)!;
          const weakestKept = Math.min(...kept.map((c) => s[c]!));
          const strongestGone = Math.max(-Infinity, ...[...s.keys()].filter((c) => !kept.includes(c)).map((c) => s[c]!));
          expect(strongestGone).toBeLessThanOrEqual(weakestKept);
        }
      }),
    );
  });

  it('removes exactly round(ratio x channels) across groups when no group would be emptied and nothing is rounded', () => {
    fc.assert(
      fc.property(groupsAndScores, fc.double({ min: 0, max: 0.5, noNaN: true }), (lists, ratio) => {
        const groups = lists.map((l, i) => group(i, l.length));
        const scores = new Map(lists.map((l, i) => [i, Float64Array.from(l, (v) => v + 1)]));
        const keep = chooseChannels(groups, scores, { ratio, perGroup: [], roundTo: 1, where: 'step' });
        const total = lists.reduce((n, l) => n + l.length, 0);
        const removed = groups.reduce((n, g) => n + g.channels - keep.get(g.id)!.length, 0);
        const room = groups.reduce((n, g) => n + g.channels - 1, 0);
        expect(removed).toBe(Math.min(Math.round(ratio * total), room));
      }),
    );
  });
});

describe('sliceAxis', () => {
  it('equals reading the kept indices one by one, on any axis', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(), (shape, axisSeed, keepSeed) => {
        const axis = axisSeed % shape.length;
        const n = shape[axis]!;
        const kept = [...Array(n).keys()].filter((i) => ((keepSeed >> i) & 1) === 1 || i === 0);
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Float32Array.from({ length: size }, (_, i) => i);
        const { values: out, shape: outShape } = sliceAxis(values, shape, axis, kept);
        expect(outShape).toEqual(shape.map((d, i) => (i === axis ? kept.length : d)));
        const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
        const outStrides = outShape.map((_, i) => outShape.slice(i + 1).reduce((a, b) => a * b, 1));
        for (let j = 0; j < out.length; j++) {
          const idx = outStrides.map((s, i) => Math.floor(j / s) % outShape[i]!);
          idx[axis] = kept[idx[axis]!]!;
          expect(out[j]).toBe(idx.reduce((a, v, i) => a + v * strides[i]!, 0));
        }
      }),
    );
  });
});
