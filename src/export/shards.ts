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
