/**
 * Finds a model's weight shards among the dropped files and joins them into the one ArrayBuffer
 * `tf.io.fromMemory` wants, after checking each manifest group's shards hold exactly the bytes its weights need.
 */
import { concatBytes } from '../bytes';
import { PareError, bytesText } from '../errors';
import type { InputFile } from '../model/types';
import type { ManifestGroup } from './model-json-schema';
import { basenameOf, dirnameOf, joinPath } from '../files/paths';
import { quoteName } from '../files/quote';
import { checkShardPath } from '../files/shard-path';
import type { FormatContext } from './types';
import { storedByteLength } from './weight-specs';

export interface ShardData {
  /** All groups' shards in manifest order, concatenated. */
  weightData: ArrayBuffer;
  /** Names of the files used as shards. */
  files: string[];
}

/**
 * Reads and checks every shard of the manifest. Throws 'missing-shard' naming the shard and where it was looked
 * for, or 'shard-length' naming the shard(s), their size, the size needed, and the first weight they do not cover.
 *
 * @example
 *   const { weightData } = readShards(ctx, 'mymodel/model.json', json.weightsManifest);
 */
export function readShards(ctx: FormatContext, modelJsonName: string, manifest: readonly ManifestGroup[]): ShardData {
  const dir = dirnameOf(modelJsonName);
  const groups = manifest.map((group, g) => {
    if (group.paths.length === 0 && group.weights.length > 0) {
      throw new PareError(
        'bad-model-json',
        `Weight group ${g + 1} in ${quoteName(modelJsonName)} lists ${group.weights.length} weights (first ${quoteName(group.weights[0].name)}) but no shard files in its paths.`,
        { file: modelJsonName, weight: group.weights[0].name },
      );
    }
    const shards = group.paths.map((path) => findShard(ctx, dir, path, modelJsonName));
    const have = shards.reduce((sum, s) => sum + s.data.byteLength, 0);
    const need = group.weights.reduce((sum, w) => sum + storedByteLength(w), 0);
    if (have !== need) throw lengthError(group, g, shards, have, need, modelJsonName);
    return shards;
  });
  const files = groups.flat();
  const parts = files.map((f) => f.data);
  return { weightData: alreadyJoined(parts) ?? concatBytes(parts).buffer, files: files.map((f) => f.name) };
}

/**
 * The buffer `parts` already are, when they are consecutive views that cover all of one ArrayBuffer (the CLI reads
 * a manifest's shards so): then it is the join, and no second copy of the weights is made. Else undefined.
 */
function alreadyJoined(parts: readonly Uint8Array[]): ArrayBuffer | undefined {
  const buffer = parts[0]?.buffer;
  if (!(buffer instanceof ArrayBuffer) || parts.length < 2) return undefined;
  let at = 0;
  for (const p of parts) {
    if (p.buffer !== buffer || p.byteOffset !== at) return undefined;
    at += p.byteLength;
  }
  return at === buffer.byteLength ? buffer : undefined;
}

/**
 * The file for a manifest path: relative to the model JSON's folder, also URL-decoded (converters write
 * 'my%20model.bin'), and failing that, the only dropped file with the same base name (a flat drop).
 */
function findShard(ctx: FormatContext, dir: string, path: string, modelJsonName: string): InputFile {
  checkShardPath(path, modelJsonName);
  const expected = joinPath(dir, path);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not URL-encoded after all; use it as written.
  }
  const direct = ctx.file(expected) ?? ctx.file(joinPath(dir, decoded));
  if (direct) return direct;
  const base = basenameOf(decoded);
  const sameBase = ctx.files.filter((f) => basenameOf(f.name) === base);
  if (sameBase.length === 1) return sameBase[0];
  const hint =
    ctx.files.length === 1 ? ' Drop the model file together with its weight files, or their folder or a zip.' : '';
  throw new PareError(
    'missing-shard',
    `Shard ${quoteName(path)} named in ${quoteName(modelJsonName)} is missing; expected it at ${quoteName(expected)}.${hint}`,
    { file: expected },
  );
}

function lengthError(
  group: ManifestGroup,
  g: number,
  shards: InputFile[],
  have: number,
  need: number,
  modelJsonName: string,
): PareError {
  let detail: string;
  if (have < need) {
    // Which weight the bytes run out in tells the user how much of the model is there.
    let end = 0;
    const cut = group.weights.find((w) => (end += storedByteLength(w)) > have);
    detail = cut ? `; the bytes run out in weight ${quoteName(cut.name)}` : '';
  } else {
    detail = `; ${bytesText(have - need)} too many`;
  }
  if (shards.length === 1) {
    const [shard] = shards;
    return new PareError(
      'shard-length',
      `Shard ${quoteName(basenameOf(shard.name))} is ${bytesText(have)}; the manifest in ${quoteName(basenameOf(modelJsonName))} needs ${need.toLocaleString('en-US')}${detail}.`,
      { file: shard.name },
    );
  }
  // The converter cuts a group into equal shards and a shorter last one; a shard breaking that is the suspect.
  const odd = shards.find((s, i) => i < shards.length - 1 && s.data.byteLength !== shards[0].data.byteLength);
  const suspect = odd ?? shards[shards.length - 1];
  const list = shards.map((s) => `${quoteName(basenameOf(s.name))} ${s.data.byteLength.toLocaleString('en-US')}`).join(', ');
  return new PareError(
    'shard-length',
    `Shards of weight group ${g + 1} (${list}) hold ${bytesText(have)}; the manifest in ${quoteName(basenameOf(modelJsonName))} needs ${need.toLocaleString('en-US')}${detail}; check ${quoteName(basenameOf(suspect.name))}.`,
    { file: suspect.name },
  );
}
