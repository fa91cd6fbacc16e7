/**
 * The fingerprint of a data set a recipe step uses: a content hash of its files and of how they are read
 * (preprocessing, class names), recorded in the applied recipe and part of a variant's cache key, so a variant
 * says which data made it and the same data always finds the same variant.
 */
import type { InputFile } from '../model/types';
import { canonicalJson } from './schema';

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * SHA-256 (Web Crypto: in workers, pages and Node) over each file's name, length and content digest, in name
 * order, and the canonical JSON of `reading`. Each file is hashed on its own, so no copy of all the data is made.
 * @example await dataFingerprint(files, { scale: [0, 1], classNames }) // 'sha256:3f1c...'
 */
export async function dataFingerprint(files: readonly InputFile[], reading: unknown): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: [string, number, string][] = [];
  for (const f of sorted) {
    entries.push([f.name, f.data.byteLength, hex(await crypto.subtle.digest('SHA-256', f.data as Uint8Array<ArrayBuffer>))]);
  }
  const summary = new TextEncoder().encode(canonicalJson({ files: entries, reading: reading ?? null }));
  return `sha256:${hex(await crypto.subtle.digest('SHA-256', summary))}`;
}
