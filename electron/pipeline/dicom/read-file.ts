/**
 * Reading one DICOM file: bytes from disk with a size cap, layout, header, and (on request)
 * its frames as Float32 values in physical units. Runs inside the ingest workers; every
 * failure is a one-line PipelineError naming the file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { PipelineError } from '../errors.ts';
import { analyseFile, isNativeSyntax, MAX_FILE_BYTES, EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE, type FileLayout, type PixelSpan } from './file-layout.ts';
import { fastHeader } from './fast-header.ts';
import { extractHeader, type FileHeader } from './header.ts';
import { rescaleInt16InPlace } from './int16-rescale.ts';
import type { PixelModule } from './pixels.ts';

/**
 * Read a whole file, refusing anything larger than the cap before allocating for it.
 *
 * @param reuse a buffer to read into when the file fits (the result is then a view of it):
 *   fresh allocations of a few hundred KB per slice cost page faults and GC.
 */
export async function readBytes(path: string, maxBytes = MAX_FILE_BYTES, reuse?: Uint8Array): Promise<Uint8Array> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw cannotOpen(e, path);
  });
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new PipelineError('DICOM_TOO_LARGE', `file is ${size} bytes, more than the ${maxBytes}-byte limit`, path);
    const bytes = reuse && reuse.length >= size ? reuse.subarray(0, size) : new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(bytes, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === size ? bytes : bytes.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/** The first bytes of a file and its size, read either way. */
export type HeadReader = (path: string, headBytes: number, reuse?: Uint8Array) => HeadBytes | Promise<HeadBytes>;
export interface HeadBytes {
  readonly bytes: Uint8Array;
  readonly size: number;
}

/**
 * The first `headBytes` of a file (all of it when smaller), with the file's size.
 *
 * @param reuse a buffer of at least `headBytes` to read into (the result is then a view of it).
 */
export async function readHead(path: string, headBytes: number, reuse?: Uint8Array): Promise<HeadBytes> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw cannotOpen(e, path);
  });
  try {
    const { size } = await handle.stat();
    const bytes = headView(size, headBytes, reuse);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    return { bytes: bytes.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/**
 * `readHead` without leaving the caller's thread: for the scan, where the four pool round trips
 * per file cost ten times the reads themselves (64 heads of a CT: ~1 ms here against 11–30 ms).
 * The caller keeps each call short and yields between calls (see scan.ts).
 */
export function readHeadSync(path: string, headBytes: number, reuse?: Uint8Array): HeadBytes {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw cannotOpen(e as NodeJS.ErrnoException, path);
  }
  try {
    const { size } = fstatSync(fd);
    const bytes = headView(size, headBytes, reuse);
    const bytesRead = readSync(fd, bytes, 0, bytes.length, 0);
    return { bytes: bytes.subarray(0, bytesRead), size };
  } finally {
    closeSync(fd);
  }
}

function headView(size: number, headBytes: number, reuse: Uint8Array | undefined): Uint8Array {
  const n = Math.min(size, headBytes);
  return reuse && reuse.length >= n ? reuse.subarray(0, n) : new Uint8Array(n);
}

function cannotOpen(e: NodeJS.ErrnoException, path: string): PipelineError {
  return new PipelineError('FILE_READ', `cannot open (${e.code ?? e.message})`, path);
}

/** A parsed file: its layout (with pixel locations) and its plain header. */
export interface ParsedFile {
  readonly layout: FileLayout;
  readonly header: FileHeader;
}

/**
 * Layout + header of a file already in memory (`fileSize` when `bytes` is only its head):
 * the fast path when it can answer, else the full dcmjs parse.
 */
export async function parseFile(bytes: Uint8Array, path: string, fileSize = bytes.length): Promise<ParsedFile> {
  const layout = analyseFile(bytes, path, fileSize);
  const fast = fastHeader(layout, path);
  if (fast) return { layout, header: fast };
  const { parseHeader } = await import('./dcmjs-parse.ts');
  const dataset = parseHeader(layout, path);
  return { layout, header: extractHeader(dataset, path, layout.transferSyntaxUID, layout.hasPixelData) };
}

/**
 * Whether a scanned image can be read by `readNative16Into`: one frame of native 16-bit
 * greyscale in a little-endian syntax, its Pixel Data located in the file — nearly every CT
 * and MR slice.
 */
export function readsInPlace(header: FileHeader, span: PixelSpan | null | undefined): span is PixelSpan {
  const p = header.pixel;
  return !!span && !!p && header.numberOfFrames === 1 && p.bitsAllocated === 16 && p.samplesPerPixel === 1 &&
    (header.transferSyntaxUID === IMPLICIT_LE || header.transferSyntaxUID === EXPLICIT_LE) && span.length >= 2 * p.rows * p.columns;
}

/**
 * Read the one frame of a scanned 16-bit native image straight into `out` (rows × columns
 * values, e.g. a slice of the volume) in physical units × `scale`. No per-file buffer, no copy,
 * and the kernel faults the volume's pages in on a pool thread instead of the caller's.
 *
 * Into floats, the pixel bytes land in the first half of `out`'s own memory and are widened in
 * place from the last value to the first, so each 16-bit value is read before a float covers
 * it. Into an Int16Array (CT in HU with slope 1 and a whole-number intercept, see
 * `holdsExactly`), they land on their own slots and are rescaled where they are, clamped to
 * the int16 range.
 *
 * The file's head is read alongside and walked again: resolves false (with `out` holding
 * garbage) when the file is not the one scanning saw — another instance, syntax or pixel
 * position, or shorter — so that the caller takes the general path.
 *
 * @param headBuffer a spare buffer for the head (used when large enough).
 */
export async function readNative16Into(path: string, header: FileHeader, span: PixelSpan, scale: number, out: Float32Array | Int16Array, headBuffer?: Uint8Array): Promise<boolean> {
  const p = header.pixel!;
  const n = p.rows * p.columns;
  if (out.length !== n) return false;
  const fh = header.frames[0];
  const slope = fh.rescaleSlope * scale, intercept = fh.rescaleIntercept * scale;
  if (out instanceof Int16Array && !holdsExactly(slope, intercept)) return false;
  const head = headBuffer && headBuffer.length >= span.offset ? headBuffer.subarray(0, span.offset) : new Uint8Array(span.offset);
  const pixels = new Uint8Array(out.buffer, out.byteOffset, 2 * n);
  const handle = await open(path, 'r');
  try {
    // Head and pixels lie end to end in the file: one vectored read fills both. Into floats,
    // the second read only makes the kernel fault in the slice's second half on a pool thread
    // (the widening overwrites it): first-touch faults of a fresh 64 MiB volume cost the caller
    // ~30 ms otherwise (load of a 64-slice CT 80 → 74 ms, median of 8).
    const [both] = await Promise.all([
      handle.readv([head, pixels], 0),
      out instanceof Float32Array ? handle.read(new Uint8Array(out.buffer, out.byteOffset + 2 * n, 2 * n), 0, 2 * n, span.offset) : null,
    ]);
    if (both.bytesRead !== head.length + pixels.length) return false;
  } finally {
    await handle.close();
  }
  const layout = analyseFile(head, path, span.offset + span.length);
  const same = layout.sopInstanceUID === header.sopInstanceUID && layout.transferSyntaxUID === header.transferSyntaxUID &&
    layout.pixelSpan?.offset === span.offset && layout.pixelSpan.length === span.length;
  if (!same) return false;
  const signed = p.pixelRepresentation === 1;
  if (out instanceof Int16Array) {
    rescaleInt16InPlace(out, signed, p.bitsStored, intercept);
    return true;
  }
  const values = new Uint16Array(out.buffer, out.byteOffset, n);
  const shift = 32 - p.bitsStored, mask = p.bitsStored > 0 && p.bitsStored < 16 ? (1 << p.bitsStored) - 1 : 0xffff;
  if (signed) widenSigned16(values, out, n, shift, slope, intercept);
  else widenMasked16(values, out, n, mask, slope, intercept);
  return true;
}

/**
 * Whether values × `slope` + `intercept` of 16-bit stored values are whole numbers that an
 * Int16Array holds: slope 1 and a whole intercept (nearly every CT). Beyond ±32767 HU lies
 * nothing physical (air is −1000, extended-scale metal stays below 31 000), so the rare stored
 * value that would fall outside — padding such as −32768 − 1024 — is clamped.
 */
export function holdsExactly(slope: number, intercept: number): boolean {
  return slope === 1 && Number.isInteger(intercept) && Math.abs(intercept) <= 32768;
}

/** Clamped copy of whole physical values into an Int16Array (see `holdsExactly`). */
export function copyToInt16(values: Float32Array, out: Int16Array, at: number): void {
  for (let i = 0; i < values.length; i++) out[at + i] = Math.max(-32768, Math.min(32767, Math.round(values[i])));
}

/**
 * The frames of a parsed image as Float32 values: stored × slope + intercept (per frame), then
 * × `scale` (the SUV factor for PET, 1 otherwise).
 *
 * @param frames 1-based frame numbers wanted.
 * @param targets arrays to write into, one per frame (new ones are made where missing or mis-sized).
 */
export async function readFrames(file: ParsedFile, frames: readonly number[], scale: number, targets: Float32Array[] = []): Promise<Float32Array[]> {
  const { header, layout } = file;
  const pixel = header.pixel;
  const where = header.path;
  if (!pixel || !layout.pixelData) throw new PipelineError('DICOM_NO_PIXELS', 'has no pixel data', where);
  if (pixel.samplesPerPixel !== 1) {
    throw new PipelineError('DICOM_COLOUR', `is a colour image (${pixel.photometricInterpretation}); only greyscale images load as volumes`, where);
  }
  const out: Float32Array[] = [];
  const n = pixel.rows * pixel.columns;
  for (const [index, f] of frames.entries()) {
    const target = targets[index]?.length === n ? targets[index] : new Float32Array(n);
    if (f < 1 || f > header.numberOfFrames) throw new PipelineError('DICOM_FRAME', `has no frame ${f} (it holds ${header.numberOfFrames})`, where);
    const fh = header.frames[f - 1];
    const slope = fh.rescaleSlope * scale, intercept = fh.rescaleIntercept * scale;
    const loc = layout.pixelData;
    if (loc.kind === 'native' && isNativeSyntax(layout.transferSyntaxUID)) {
      out.push(nativeFrame(loc.bytes, pixel, f - 1, layout.transferSyntaxUID === EXPLICIT_BE, slope, intercept, where, target));
      continue;
    }
    const stored = await encapsulatedFrame(file, pixel, f - 1);
    if (stored.length < n) throw new PipelineError('DICOM_DECODE', `frame ${f} decoded to ${stored.length} values, expected ${n}`, where);
    for (let i = 0; i < n; i++) target[i] = stored[i] * slope + intercept;
    out.push(target);
  }
  return out;
}

type Stored = ArrayLike<number> & { readonly length: number };

async function encapsulatedFrame(file: ParsedFile, pixel: PixelModule, index: number): Promise<Stored> {
  const { layout, header } = file;
  const loc = layout.pixelData!;
  if (loc.kind !== 'encapsulated') throw new PipelineError('DICOM_MALFORMED', `native Pixel Data under encapsulated syntax ${layout.transferSyntaxUID}`, header.path);
  const bytes = frameFragments(loc.offsetTable, loc.fragments, index, header.numberOfFrames, header.path);
  try {
    // The codecs load only when a compressed file is met: native CTs never pay their start-up.
    const { decodeFrame } = await import('./pixels.ts');
    return await decodeFrame(layout.transferSyntaxUID, pixel, bytes);
  } catch (e) {
    if (e instanceof PipelineError) throw e.path ? e : new PipelineError(e.code, e.message, header.path);
    throw new PipelineError('DICOM_DECODE', `frame ${index + 1} cannot be decoded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, header.path);
  }
}

/**
 * Physical values of one native frame: stored values masked to Bits Stored (sign-extended when
 * signed), × slope + intercept. Little-endian 16-bit frames — nearly every CT and MR — take a
 * typed-array fast path.
 */
function nativeFrame(
  bytes: Uint8Array,
  p: PixelModule,
  index: number,
  bigEndian: boolean,
  slope: number,
  intercept: number,
  path: string,
  out: Float32Array,
): Float32Array {
  const n = p.rows * p.columns;
  const bpp = p.bitsAllocated / 8;
  if (![1, 2, 4].includes(bpp)) throw new PipelineError('DICOM_UNSUPPORTED', `Bits Allocated ${p.bitsAllocated} is not supported`, path);
  const start = index * n * bpp;
  if (start + n * bpp > bytes.length) {
    throw new PipelineError('DICOM_TRUNCATED', `Pixel Data holds ${bytes.length} bytes, frame ${index + 1} needs bytes ${start}–${start + n * bpp}`, path);
  }
  const signed = p.pixelRepresentation === 1;
  const masked = p.bitsStored > 0 && p.bitsStored < p.bitsAllocated;
  const shift = 32 - p.bitsStored;
  if (bpp === 2 && !bigEndian) {
    const at = bytes.byteOffset + start;
    // Typed arrays need 2-byte alignment; an odd offset (rare) is copied once.
    const values = at % 2 === 0 ? new Uint16Array(bytes.buffer, at, n) : new Uint16Array(bytes.slice(start, start + 2 * n).buffer);
    if (signed) widenSigned16(values, out, n, shift, slope, intercept);
    else widenMasked16(values, out, n, masked ? (1 << p.bitsStored) - 1 : 0xffff, slope, intercept);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, n * bpp);
  const le = !bigEndian;
  for (let i = 0; i < n; i++) {
    let v = bpp === 2 ? view.getUint16(i * 2, le) : bpp === 1 ? view.getUint8(i) : view.getUint32(i * 4, le);
    // Keep the low Bits Stored bits; a signed value takes its sign from bit (Bits Stored − 1).
    if (masked || signed) v = signed ? (v << shift) >> shift : (v << shift) >>> shift;
    out[i] = v * slope + intercept;
  }
  return out;
}

// The hot loops of native 16-bit frames, each in its own small function so V8 optimises it
// for exactly one shape (a 512² slice is 262 144 values). The widening loops run from the last
// value down, so they also work in place — `values` viewing the first half of `out`'s memory —
// where a float only ever covers 16-bit values already read.
function widenMasked16(values: Uint16Array, out: Float32Array, n: number, mask: number, slope: number, intercept: number): void {
  for (let i = n - 1; i >= 0; i--) out[i] = (values[i] & mask) * slope + intercept;
}

function widenSigned16(values: Uint16Array, out: Float32Array, n: number, shift: number, slope: number, intercept: number): void {
  for (let i = n - 1; i >= 0; i--) out[i] = ((values[i] << shift) >> shift) * slope + intercept;
}

/** The bytes of one frame of encapsulated Pixel Data. */
function frameFragments(offsets: readonly number[], fragments: readonly Uint8Array[], index: number, frames: number, path: string): Uint8Array {
  if (frames === 1) return concat(fragments);
  if (offsets.length === frames) {
    // Offsets count from the first fragment's item tag; each fragment adds 8 bytes of item header.
    let at = 0;
    const chosen: Uint8Array[] = [];
    const begin = offsets[index], end = index + 1 < frames ? offsets[index + 1] : Infinity;
    for (const frag of fragments) {
      if (at >= begin && at < end) chosen.push(frag);
      at += 8 + frag.length;
    }
    if (chosen.length) return concat(chosen);
  }
  if (fragments.length === frames) return fragments[index];
  // No usable offset table: JPEG-family frames start with an SOI marker (FFD8).
  const starts = fragments.map((f, i) => (f[0] === 0xff && f[1] === 0xd8) || (f[0] === 0xff && f[1] === 0x4f) ? i : -1).filter((i) => i >= 0);
  if (starts.length === frames) return concat(fragments.slice(starts[index], starts[index + 1] ?? fragments.length));
  throw new PipelineError('DICOM_MALFORMED', `cannot tell which of ${fragments.length} fragments belong to frame ${index + 1} of ${frames}`, path);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
