/**
 * Cross-layer equalization (Nagel et al. 2019): for a pair of layers joined through a positively homogeneous
 * function f (f(x / s) = f(x) / s for s > 0), dividing output channel c of the first layer (kernel and bias) by s_c
 * and multiplying input channel c of the second by s_c leaves the model's function unchanged. Choosing
 * s_c = sqrt(r1_c · r2_c) / r2_c, with r the largest |weight| of the channel in each layer, gives both layers the
 * same per-channel range sqrt(r1_c · r2_c), so one per-tensor grid fits every channel better. Chains of pairs are
 * swept until the scales settle. Data-free: only the weights are read.
 *
 * A depthwise kernel's channel is both an input and an output channel: as the second layer of a pair its channel c
 * (all of its multipliers) is multiplied, as the first its output channels c·M + m are divided.
 *
 * Pure: arrays of layers in no pair are shared; rescaled tensors get new arrays. Zeros stay exactly zero.
 */
import type { PareWarning } from '../errors';
import type { WorkingModel, WorkingWeight } from '../recipe/working-model';
import { EQUALIZABLE, findEqualizePairs } from './equalize-pairs';

/** Sweeps over all pairs at most; each sweep equalizes every pair exactly, later pairs moving earlier ones a little. */
const MAX_SWEEPS = 50;
/** Stop when no scale of a sweep moves further than this from 1. */
const SETTLED = 1e-6;

export interface EqualizeResult {
  model: WorkingModel;
  /** The pairs rescaled, as 'first -> second'. */
  equalized: string[];
  warnings: PareWarning[];
}

interface PairLayout {
  name: string;
  k1: number;
  b1: number;
  k2: number;
  channels: number;
  /** Flattened kernel index of the second layer -> its input channel: floor(i / inner) mod channels. */
  inner: number;
}

const lastSegment = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/**
 * Equalizes every pair it can find; the others are reported in the warnings with the reason.
 * @example const { model: eq, equalized } = equalizeLayers(model); // equalized: ['fc1 -> fc2', 'fc2 -> fc3']
 */
export function equalizeLayers(model: WorkingModel): EqualizeResult {
  if (model.format !== 'layers-model') {
    return { model, equalized: [], warnings: [{ code: 'skipped', message: `Cross-layer equalization covers layers models; this ${model.format} was quantized without it.` }] };
  }
  const { pairs, skipped } = findEqualizePairs(model.modelTopology);
  const warnings: PareWarning[] = skipped.map((s) => ({ code: 'skipped', message: `Equalization skipped '${s.first}' -> '${s.second}': ${s.reason}.` }));
  const find = (layer: string, kind: string) => model.weights.findIndex((w) => w.owner === layer && lastSegment(w.name) === kind);
  const layouts: PairLayout[] = [];
  for (const p of pairs) {
    const classOf = (name: string) => model.weights.find((w) => w.owner === name)?.ownerType ?? '';
    const c1 = classOf(p.first);
    const c2 = classOf(p.second);
    const k1 = find(p.first, EQUALIZABLE[c1] ?? 'kernel');
    const k2 = find(p.second, EQUALIZABLE[c2] ?? 'kernel');
    const name = `${p.first} -> ${p.second}`;
    if (k1 < 0 || k2 < 0 || model.weights[k1]!.dtype !== 'float32' || model.weights[k2]!.dtype !== 'float32') {
      warnings.push({ code: 'skipped', message: `Equalization skipped '${name}': a kernel is missing from the manifest or is not float32.` });
      continue;
    }
    const s1 = model.weights[k1]!.shape;
    const s2 = model.weights[k2]!.shape;
    const depthwise2 = c2 === 'DepthwiseConv2D';
    const channels = c1 === 'DepthwiseConv2D' ? s1[2]! * s1[3]! : s1[s1.length - 1]!;
    const inputs = depthwise2 ? s2[2]! : s2[s2.length - 2]!;
    const fits = p.flattened ? inputs % channels === 0 : inputs === channels;
    if (!fits) {
      warnings.push({ code: 'skipped', message: `Equalization skipped '${name}': '${p.first}' has ${channels} output channels; '${p.second}' reads ${inputs} inputs.` });
      continue;
    }
    layouts.push({ name, k1, b1: find(p.first, 'bias'), k2, channels, inner: depthwise2 ? s2[3]! : s2[s2.length - 1]! });
  }
  if (!layouts.length) return { model, equalized: [], warnings };

  // Scales multiply into float64 copies, rounded to float32 once at the end, so the sweeps add no rounding error.
  const work = new Map<number, Float64Array>();
  const valuesOf = (i: number) => {
    let v = work.get(i);
    if (!v) work.set(i, (v = Float64Array.from(model.weights[i]!.values as Float32Array)));
    return v;
  };
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let moved = 0;
    for (const l of layouts) moved = Math.max(moved, equalizePair(l, valuesOf));
    if (moved < SETTLED) break;
  }
  const weights: WorkingWeight[] = model.weights.map((w, i) => {
    const v = work.get(i);
    return v ? { ...w, values: Float32Array.from(v) } : w;
  });
  const equalized = layouts.map((l) => l.name);
  warnings.push({ code: 'note', message: `Equalized ${equalized.length} layer pair${equalized.length === 1 ? '' : 's'}: ${equalized.join(', ')}.` });
  return { model: { ...model, weights }, equalized, warnings };
}

/** Equalizes one pair in place on the float64 copies; returns the largest |s - 1| it applied. */
function equalizePair(l: PairLayout, valuesOf: (i: number) => Float64Array): number {
  const k1 = valuesOf(l.k1);
  const k2 = valuesOf(l.k2);
  const c = l.channels;
  const r1 = new Float64Array(c);
  const r2 = new Float64Array(c);
  for (let i = 0; i < k1.length; i++) r1[i % c] = Math.max(r1[i % c]!, Math.abs(k1[i]!));
  for (let i = 0; i < k2.length; i++) {
    const ch = Math.floor(i / l.inner) % c;
    r2[ch] = Math.max(r2[ch]!, Math.abs(k2[i]!));
  }
  const s = new Float64Array(c);
  let moved = 0;
  for (let ch = 0; ch < c; ch++) {
    // A channel that is all zeros on either side has nothing to balance.
    s[ch] = r1[ch]! > 0 && r2[ch]! > 0 ? Math.sqrt(r1[ch]! * r2[ch]!) / r2[ch]! : 1;
    moved = Math.max(moved, Math.abs(s[ch]! - 1));
  }
  for (let i = 0; i < k1.length; i++) k1[i] = k1[i]! / s[i % c]!;
  if (l.b1 >= 0) {
    const b1 = valuesOf(l.b1);
    for (let ch = 0; ch < c; ch++) b1[ch] = b1[ch]! / s[ch]!;
  }
  for (let i = 0; i < k2.length; i++) k2[i] = k2[i]! * s[Math.floor(i / l.inner) % c]!;
  return moved;
}
