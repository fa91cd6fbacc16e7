/** One file of an export: a flat name (model.json, group1-shard1of2.bin) and its bytes. */
export interface ExportFile {
  name: string;
  data: Uint8Array;
}
