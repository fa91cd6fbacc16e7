/**
 * Writes zip archives byte by byte for tests, including ones no honest tool writes: sizes and CRCs that lie,
 * several directory records over one local entry (overlap), names with '..'. Small inputs only.
 */
import { deflateSync } from 'fflate';
import { crc32 } from '../crc32';

export interface RawEntry {
  name: string;
  /** The bytes as stored (deflated already for method 8). */
  stored: Uint8Array;
  method: 0 | 8;
  crc: number;
  /** Declared unpacked size. */
  size: number;
  /** Declared compressed size (default: stored.length). */
  compressedSize?: number;
  flags?: number;
  /** Write the directory record the zip64 way: 32-bit fields saturated, the values in a zip64 extra field. */
  zip64?: boolean;
}

/** An honest entry: stored or deflated, with its real CRC-32 and sizes. */
export function entry(name: string, data: Uint8Array | string, method: 0 | 8 = 8): RawEntry {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return { name, stored: method === 8 ? deflateSync(bytes) : bytes, method, crc: crc32(bytes), size: bytes.length };
}

/**
 * @param entries the local entries, written in order
 * @param directory the central directory: each record names an entry and the local entry it points at
 *   (default: one record per entry, pointing at its own local entry)
 */
export function writeZip(entries: RawEntry[], directory?: { entry: RawEntry; local: number }[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const h = new Uint8Array(30 + name.length);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, (e.flags ?? 0) | 0x800, true);
    v.setUint16(8, e.method, true);
    v.setUint32(14, e.crc, true);
    v.setUint32(18, e.compressedSize ?? e.stored.length, true);
    v.setUint32(22, e.size, true);
    v.setUint16(26, name.length, true);
    h.set(name, 30);
    offsets.push(at);
    parts.push(h, e.stored);
    at += h.length + e.stored.length;
  }
  const cdStart = at;
  const records = directory ?? entries.map((e, i) => ({ entry: e, local: i }));
  for (const { entry: e, local } of records) {
    const name = enc.encode(e.name);
    const extra = e.zip64 ? 4 + 24 : 0;
    const c = new Uint8Array(46 + name.length + extra);
    const v = new DataView(c.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(8, (e.flags ?? 0) | 0x800, true);
    v.setUint16(10, e.method, true);
    v.setUint32(16, e.crc, true);
    v.setUint32(20, e.compressedSize ?? e.stored.length, true);
    v.setUint32(24, e.size, true);
    v.setUint16(28, name.length, true);
    v.setUint32(42, offsets[local], true);
    c.set(name, 46);
    if (e.zip64) {
      const sizes = [e.size, e.compressedSize ?? e.stored.length, offsets[local]];
      for (const at of [24, 20, 42]) v.setUint32(at, 0xffffffff, true);
      v.setUint16(30, extra, true);
      v.setUint16(46 + name.length, 0x0001, true);
      v.setUint16(48 + name.length, 24, true);
      sizes.forEach((n, k) => v.setBigUint64(50 + name.length + 8 * k, BigInt(n), true));
    }
    parts.push(c);
    at += c.length;
  }
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, records.length, true);
  v.setUint16(10, records.length, true);
  v.setUint32(12, at - cdStart, true);
  v.setUint32(16, cdStart, true);
  parts.push(end);
  const out = new Uint8Array(at + 22);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
