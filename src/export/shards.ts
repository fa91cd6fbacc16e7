/**
 * Weight bytes -> shards the way tensorflowjs_converter writes them: one weight group, its bytes concatenated in
 * manifest order and cut every 4 MB regardless of tensor boundaries (the stock loader concatenates a group's shards
 * before slicing weights out of them).
 */

/** The converter's shard size: 4 MiB. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** The converter's shard names: group1-shard1of3.bin, ... */
export function shardName(index: number, count: number, group = 1): string {
  return `group${group}-shard${index + 1}of${count}.bin`;
}

/**
 * Cuts `bytes` into consecutive shards of at most `shardBytes` (views, not copies). Zero bytes give one empty
 * shard, as a model whose weights are all empty still needs a file its manifest can name.
 */
export function splitShards(bytes: Uint8Array, shardBytes = SHARD_BYTES): Uint8Array[] {
  if (bytes.byteLength === 0) return [bytes];
  const shards: Uint8Array[] = [];
  for (let start = 0; start < bytes.byteLength; start += shardBytes) {
    shards.push(bytes.subarray(start, Math.min(start + shardBytes, bytes.byteLength)));
  }
  return shards;
}

/**
 * The shards of the concatenation of `parts`, as {@link splitShards} would cut it, without concatenating: a shard
 * that lies inside one part is a view of it, and only a shard that spans parts is a new array (at most one shard's
 * bytes). Large tensors fill most shards on their own, so exporting a large model no longer needs a second copy of
 * all its stored bytes.
 *
 * @example shardsOf([Uint8Array.of(1, 2, 3), Uint8Array.of(4)], 2) // [[1, 2] (a view), [3, 4] (a copy)]
 */
export function shardsOf(parts: readonly Uint8Array[], shardBytes = SHARD_BYTES): Uint8Array[] {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  if (total === 0) return [new Uint8Array(0)];
  const shards: Uint8Array[] = [];
  let part = 0; // the part holding byte `at` of the concatenation
  let partStart = 0; // where that part begins in the concatenation
  for (let start = 0; start < total; start += shardBytes) {
    const end = Math.min(start + shardBytes, total);
    while (partStart + parts[part]!.byteLength <= start) partStart += parts[part++]!.byteLength;
    if (end <= partStart + parts[part]!.byteLength) {
      shards.push(parts[part]!.subarray(start - partStart, end - partStart));
      continue;
    }
    const shard = new Uint8Array(end - start);
    for (let at = start, p = part, pStart = partStart; at < end; pStart += parts[p++]!.byteLength) {
      const piece = parts[p]!.subarray(at - pStart, Math.min(parts[p]!.byteLength, end - pStart));
      shard.set(piece, at - start);
      at += piece.byteLength;
    }
    shards.push(shard);
  }
  return shards;
}
