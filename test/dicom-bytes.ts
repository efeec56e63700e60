/**
 * Hand-built DICOM byte streams for tests: elements in Explicit or Implicit VR Little Endian
 * and a Part 10 wrapper, so a test can make exactly the file it needs (a long header, an odd
 * pixel count, a broken length).
 */

/** Values padded to even length as DICOM pads them: UIDs with NUL, other text with a space. */
function encode(vr: string | null, value: Uint8Array | string): Uint8Array {
  if (typeof value !== 'string') return value;
  return new TextEncoder().encode(value.length % 2 ? value + (vr === 'UI' || vr === null ? '\0' : ' ') : value);
}

/** Explicit VR LE element; `lengthOverride` declares a length other than the value's. */
export function ex(group: number, element: number, vr: string, value: Uint8Array | string, lengthOverride?: number): Uint8Array {
  const v = encode(vr, value);
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const d = new DataView(head.buffer);
  d.setUint16(0, group, true); d.setUint16(2, element, true);
  head[4] = vr.charCodeAt(0); head[5] = vr.charCodeAt(1);
  if (long) d.setUint32(8, lengthOverride ?? v.length, true); else d.setUint16(6, lengthOverride ?? v.length, true);
  return cat(head, v);
}

/** Implicit VR LE element (text padded with NUL). */
export function im(group: number, element: number, value: Uint8Array | string, lengthOverride?: number): Uint8Array {
  const v = encode(null, value);
  const head = new Uint8Array(8);
  const d = new DataView(head.buffer);
  d.setUint16(0, group, true); d.setUint16(2, element, true); d.setUint32(4, lengthOverride ?? v.length, true);
  return cat(head, v);
}

/** An unsigned 16-bit value (US) in little-endian bytes. */
export function us(value: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, value, true);
  return b;
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Preamble, "DICM", a File Meta group naming `syntax` (with its group length unless told), then `dataset`. */
export function part10(syntax: string, dataset: Uint8Array, groupLength = true): Uint8Array {
  const ts = ex(0x0002, 0x0010, 'UI', syntax);
  const gl = new Uint8Array(4); new DataView(gl.buffer).setUint32(0, ts.length, true);
  const meta = groupLength ? cat(ex(0x0002, 0x0000, 'UL', gl), ts) : ts;
  return cat(new Uint8Array(128), new TextEncoder().encode('DICM'), meta, dataset);
}
