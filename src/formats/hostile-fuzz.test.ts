/**
 * Property-based fuzzing of model.json and manifest mutations of real models (issue 12): whatever one mutation
 * does, opening never crashes with anything but a PareError, never hangs, and never accepts silently what stock
 * TF.js refuses or what gives a different parameter count than stock TF.js loads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from './index';
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { useCpu } from './testing/build-models';
import { realFiles } from './testing/files';
import { stockGraph, stockLayers } from './testing/stock';
import type { Json } from './testing/model-edit';

const SAMPLES = join(process.cwd(), 'public/samples');
const sample = (name: string): InputFile[] =>
  readdirSync(join(SAMPLES, name)).map((f) => ({ name: `${name}/${f}`, data: new Uint8Array(readFileSync(join(SAMPLES, name, f))) }));

/** Per case: longer than any honest open of these small models, far shorter than a hang. */
const CASE_MS = 5_000;

interface Mutation {
  /** Index into the mutable paths of the JSON (taken modulo their count). */
  at: number;
  kind: 'replace' | 'delete' | 'duplicate';
  value: unknown;
}

type Path = (string | number)[];

/** Paths into modelTopology and weightsManifest, iteratively, at most `limit` of them (shallow first). */
function paths(json: Json, roots: readonly string[], limit = 4000): Path[] {
  const out: Path[] = [];
  const queue: { value: unknown; path: Path }[] = roots.map((root) => ({ value: json[root], path: [root] }));
  while (queue.length > 0 && out.length < limit) {
    const { value, path } = queue.shift()!;
    out.push(path);
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) queue.push({ value: v, path: [...path, Array.isArray(value) ? Number(k) : k] });
    }
  }
  return out;
}

function mutate(json: Json, all: Path[], m: Mutation): Json {
  const copy = structuredClone(json);
  const path = all[m.at % all.length];
  let parent: Json = copy;
  for (const p of path.slice(0, -1)) parent = parent[p];
  const key = path[path.length - 1];
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.kind === 'duplicate' && Array.isArray(parent)) {
    parent.splice(key as number, 0, structuredClone(parent[key as number]));
  } else {
    parent[key] = m.value;
  }
  return copy;
}

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'replace', 'delete', 'duplicate') as fc.Arbitrary<Mutation['kind']>,
  // Small values, and the values that break things most: wrong types, huge and non-integral numbers, odd names.
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, 0, 1e9, 2.5, 1e308, '', '../x.bin', 'Dense', 'Conv2D', 'MatMul', 'float16', 'uint8', [], {}, null),
  ),
});

async function withinTime<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CASE_MS} ms`)), CASE_MS)));
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parameters stock TF.js holds after loading the files, or the error it throws. */
async function stockParams(files: InputFile[], jsonName: string, graph: boolean): Promise<number | Error> {
  try {
    if (!graph) {
      const model = await stockLayers(files, jsonName);
      const n = model.countParams();
      model.dispose();
      return n;
    }
    const model = await stockGraph(files, jsonName);
    const n = Object.values(model.weights).reduce((sum, tensors) => sum + tensors.reduce((s, t) => s + t.size, 0), 0);
    model.dispose();
    return n;
  } catch (e) {
    return e as Error;
  }
}

function fuzz(name: string, files: () => InputFile[], graph: boolean, runs: number, roots = ['modelTopology', 'weightsManifest']) {
  it(`${name}: ${runs} mutations of ${roots.join(' and ')}, each refused with a PareError, warned about, or opened as stock TF.js opens it`, { timeout: 55_000 }, async () => {
    const base = files();
    const jsonFile = base.find((f) => f.name.endsWith('.json'))!;
    const json = JSON.parse(new TextDecoder().decode(jsonFile.data)) as Json;
    const all = paths(json, roots);
    const silent: string[] = [];
    const crashed: string[] = [];
    const outcomes = { refused: 0, warned: 0, opened: 0 };
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const mutated = mutate(json, all, m);
        const dropped = base.map((f) => (f === jsonFile ? { name: f.name, data: new TextEncoder().encode(JSON.stringify(mutated)) } : f));
        const where = `${JSON.stringify(all[m.at % all.length])} ${m.kind} ${JSON.stringify(m.value)?.slice(0, 80)}`;
        const result = await withinTime(openModel(dropped)).then(
          (model) => model,
          (e: unknown) => e,
        );
        if (!(result instanceof Error) && 'weights' in (result as object)) {
          const model = result as Awaited<ReturnType<typeof openModel>>;
          if (model.warnings.length > 0) return void outcomes.warned++; // said, not silent
          outcomes.opened++;
          const params = model.weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
          const stock = await stockParams(dropped, jsonFile.name, graph);
          if (stock instanceof Error || stock !== params) silent.push(`${where}: Pare ${params}, stock ${stock instanceof Error ? stock.message.slice(0, 120) : stock}`);
          return;
        }
        outcomes.refused++;
        if (!(result instanceof PareError) || !/\.$/.test(result.message)) crashed.push(`${where}: ${String(result).slice(0, 200)}`);
      }),
      { numRuns: runs, seed: 12 },
    );
    if (process.env.PARE_FUZZ_STATS) console.info(`${name} ${roots.join('+')}: ${JSON.stringify(outcomes)}`);
    expect(crashed, crashed.join('\n')).toEqual([]);
    expect(silent, silent.join('\n')).toEqual([]);
  });
}

beforeAll(() => useCpu());

describe('fuzzing model.json and the manifest', () => {
  fuzz('fashion-mlp (layers)', () => sample('fashion-mlp'), false, 250);
  fuzz('fashion-cnn (layers)', () => sample('fashion-cnn'), false, 250);
  fuzz('human-emotion (graph)', () => realFiles('human-emotion'), true, 250);
  fuzz('fashion-cnn (layers)', () => sample('fashion-cnn'), false, 150, ['weightsManifest']);
  fuzz('human-blazeface (graph)', () => realFiles('human-blazeface'), true, 150, ['weightsManifest']);
});
