import { inflateSync } from 'node:zlib';

/**
 * Convert a WOFF 1.0 font to a plain sfnt (TrueType) font.
 * Why: fontkit reads WOFF but re-inflates a whole table (in pure JS) on every table access,
 * which made embedding the CJK fallback font take seconds per document. Converting once at
 * load time with node:zlib makes it as fast as a TTF. PDF also requires sfnt, not WOFF.
 */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const src = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (woff.byteLength < 44 || src.getUint32(0) !== 0x774f4646 /* 'wOFF' */) {
    throw new Error('not a WOFF 1.0 font');
  }
  const flavor = src.getUint32(4);
  const numTables = src.getUint16(12);

  const tables: { tag: number; checksum: number; data: Uint8Array }[] = [];
  for (let t = 0; t < numTables; t++) {
    const at = 44 + t * 20;
    const offset = src.getUint32(at + 4);
    const compLength = src.getUint32(at + 8);
    const origLength = src.getUint32(at + 12);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? new Uint8Array(inflateSync(raw)) : raw;
    if (data.byteLength !== origLength) throw new Error('corrupt WOFF table');
    tables.push({ tag: src.getUint32(at), checksum: src.getUint32(at + 16), data });
  }

  const headerSize = 12 + 16 * numTables;
  const padded = (len: number): number => (len + 3) & ~3;
  const total = tables.reduce((sum, t) => sum + padded(t.data.byteLength), headerSize);
  const out = new Uint8Array(total);
  const dst = new DataView(out.buffer);

  // sfnt offset table; searchRange fields per the OpenType spec.
  const entrySelector = Math.floor(Math.log2(Math.max(1, numTables)));
  const searchRange = 2 ** entrySelector * 16;
  dst.setUint32(0, flavor);
  dst.setUint16(4, numTables);
  dst.setUint16(6, searchRange);
  dst.setUint16(8, entrySelector);
  dst.setUint16(10, numTables * 16 - searchRange);

  let offset = headerSize;
  tables.forEach((t, k) => {
    const rec = 12 + k * 16;
    dst.setUint32(rec, t.tag);
    dst.setUint32(rec + 4, t.checksum);
    dst.setUint32(rec + 8, offset);
    dst.setUint32(rec + 12, t.data.byteLength);
    out.set(t.data, offset);
    offset += padded(t.data.byteLength);
  });
  return out;
}
