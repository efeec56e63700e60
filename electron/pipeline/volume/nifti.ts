/**
 * NIfTI-1 reading and writing (.nii and .nii.gz). NIfTI world space is RAS; Volumes are LPS,
 * so the first two rows of the affine change sign on the way in and out.
 *
 * Written files carry the exact affine in the sform and its closest rigid-plus-scaling form in
 * the qform (both code 1, scanner anatomical), values in physical units, and a JSON comment
 * extension (ecode 6) with modality, units and UIDs so that our own files read back whole.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { createFileAtomic } from '../atomic-file.ts';
import { PipelineError } from '../errors.ts';
import type { Mat4 } from './geometry.ts';
import type { Volume, VolumeUnits, VoxelArray } from './volume.ts';

/** Largest NIfTI we read (uncompressed). */
const MAX_NIFTI_BYTES = 2 ** 32;
const HEADER_BYTES = 348;
const ECODE_COMMENT = 6;
const UNITS: readonly VolumeUnits[] = ['HU', 'SUVbw', 'BQML', 'CNTS', 'raw', 'label', 'probability'];

/** NIfTI datatype codes of the voxel arrays a Volume holds. */
const DATATYPE = { uint8: 2, int16: 4, int32: 8, float32: 16, float64: 64, int8: 256, uint16: 512, uint32: 768 } as const;

/** RAS↔LPS: negate the first two rows. */
function flipXY(m: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(m);
  for (let c = 0; c < 4; c++) {
    out[c] = -out[c];
    out[4 + c] = -out[4 + c];
  }
  return out;
}

/**
 * Read a NIfTI-1 file as a Volume (LPS affine from sform, else qform, else pixdim).
 * uint8/int16/uint16/float32 data keep their type; other types, and any file with an
 * intensity scaling (scl_slope), become Float32.
 *
 * @throws PipelineError('NIFTI_READ') naming the file, with the reason in one line.
 */
export async function readNifti(file: string): Promise<Volume<VoxelArray>> {
  const fail = (msg: string) => new PipelineError('NIFTI_READ', msg, file);
  let raw: Uint8Array = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw fail(`cannot be read (${e.code ?? e.message})`);
  });
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw, { maxOutputLength: MAX_NIFTI_BYTES });
    } catch (e) {
      throw fail(`gzip data is corrupt (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const whole = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
  const buffer = (whole ? raw.buffer : raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) as ArrayBuffer;
  if (!nifti.isNIFTI1(buffer)) throw fail(nifti.isNIFTI2(buffer) ? 'NIfTI-2 files are not supported' : 'not a NIfTI-1 file');
  const h = nifti.readHeader(buffer) as nifti.NIFTI1;
  const dims = h.dims;
  if (dims[0] < 1 || dims[0] > 7) throw fail(`invalid dimension count ${dims[0]}`);
  for (let d = 4; d <= dims[0]; d++) if (dims[d] > 1) throw fail(`has ${dims[0]} dimensions (dim${d} = ${dims[d]}); only 3-D volumes are supported`);
  const size: [number, number, number] = [dims[1], Math.max(1, dims[0] >= 2 ? dims[2] : 1), Math.max(1, dims[0] >= 3 ? dims[3] : 1)];
  const count = size[0] * size[1] * size[2];
  const bytesPer = h.numBitsPerVoxel / 8;
  const offset = Math.max(HEADER_BYTES, Math.trunc(h.vox_offset));
  if (offset + count * bytesPer > buffer.byteLength) {
    throw fail(`holds ${buffer.byteLength - offset} bytes of voxels, ${count * bytesPer} needed for ${size.join('×')} (truncated)`);
  }
  const data = voxels(buffer, offset, count, h.datatypeCode, h.littleEndian, h.scl_slope, h.scl_inter, fail);
  const meta = readComment(h);
  return {
    data,
    size,
    affine: affineOf(h, new DataView(buffer)),
    frameOfReferenceUID: meta.frameOfReferenceUID ?? '',
    modality: meta.modality ?? 'OT',
    units: meta.units && (UNITS as readonly string[]).includes(meta.units) ? (meta.units as VolumeUnits) : data instanceof Uint8Array ? 'label' : 'raw',
    sopInstanceUIDs: new Array<string>(size[2]).fill(''),
    seriesInstanceUID: meta.seriesInstanceUID ?? '',
  };
}

function voxels(
  buffer: ArrayBuffer,
  offset: number,
  count: number,
  code: number,
  le: boolean,
  slope: number,
  inter: number,
  fail: (m: string) => Error,
): VoxelArray {
  const view = new DataView(buffer, offset);
  const scaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && (inter === 0 || !Number.isFinite(inter)));
  const read: Record<number, [number, (i: number) => number]> = {
    [DATATYPE.uint8]: [1, (i) => view.getUint8(i)],
    [DATATYPE.int8]: [1, (i) => view.getInt8(i)],
    [DATATYPE.int16]: [2, (i) => view.getInt16(i * 2, le)],
    [DATATYPE.uint16]: [2, (i) => view.getUint16(i * 2, le)],
    [DATATYPE.int32]: [4, (i) => view.getInt32(i * 4, le)],
    [DATATYPE.uint32]: [4, (i) => view.getUint32(i * 4, le)],
    [DATATYPE.float32]: [4, (i) => view.getFloat32(i * 4, le)],
    [DATATYPE.float64]: [8, (i) => view.getFloat64(i * 8, le)],
  };
  const reader = read[code];
  if (!reader) throw fail(`NIfTI datatype ${code} is not supported`);
  // Fast path (nearly every file): little-endian, aligned, a type a Volume holds, no scaling.
  const Direct = { [DATATYPE.uint8]: Uint8Array, [DATATYPE.int16]: Int16Array, [DATATYPE.uint16]: Uint16Array, [DATATYPE.float32]: Float32Array }[code];
  // (A copy of exactly the voxels: the volume must not drag the file's header along in .buffer.)
  if (Direct && le && !scaled && offset % reader[0] === 0) return new Direct(buffer, offset, count).slice();
  const get = reader[1];
  const out: VoxelArray = scaled
    ? new Float32Array(count)
    : code === DATATYPE.uint8 ? new Uint8Array(count)
    : code === DATATYPE.int16 ? new Int16Array(count)
    : code === DATATYPE.uint16 ? new Uint16Array(count)
    : new Float32Array(count);
  const s = scaled ? slope : 1, b = scaled && Number.isFinite(inter) ? inter : 0;
  for (let i = 0; i < count; i++) out[i] = get(i) * s + b;
  return out;
}

/** The LPS affine: sform when its code is set, else qform, else the pixdim diagonal. */
function affineOf(h: nifti.NIFTI1, view: DataView): Mat4 {
  const le = h.littleEndian;
  const ras = new Float64Array(16);
  ras[15] = 1;
  if (h.sform_code > 0) {
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) ras[r * 4 + c] = view.getFloat32(280 + 16 * r + 4 * c, le);
  } else if (h.qform_code > 0) {
    const qfac = h.pixDims[0] < 0 ? -1 : 1;
    const q = h.convertNiftiQFormToNiftiSForm(h.quatern_b, h.quatern_c, h.quatern_d, h.qoffset_x, h.qoffset_y, h.qoffset_z, h.pixDims[1], h.pixDims[2], h.pixDims[3], qfac);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) ras[r * 4 + c] = q[r][c];
  } else {
    // ANALYZE-style: no orientation at all. Spacing only, as the standard's method 1 says.
    ras[0] = h.pixDims[1] || 1;
    ras[5] = h.pixDims[2] || 1;
    ras[10] = h.pixDims[3] || 1;
  }
  return flipXY(ras);
}

interface Comment {
  modality?: string;
  units?: string;
  frameOfReferenceUID?: string;
  seriesInstanceUID?: string;
}

function readComment(h: nifti.NIFTI1): Comment {
  for (const ext of h.extensions ?? []) {
    if (ext.ecode !== ECODE_COMMENT) continue;
    const text = new TextDecoder().decode(ext.edata).replace(/\0+$/, '');
    try {
      const parsed = JSON.parse(text) as { delineo?: Comment };
      if (parsed && typeof parsed === 'object' && parsed.delineo) return parsed.delineo;
    } catch {
      // someone else's comment
    }
  }
  return {};
}

/**
 * Write a Volume as NIfTI-1 with sform and qform set (LPS→RAS), gzip-compressed when the name
 * ends in .gz. The file appears atomically (temp file, fsync, hard link) and an existing file
 * is never overwritten.
 *
 * @throws PipelineError('FILE_EXISTS' | 'FILE_WRITE') naming the file.
 */
export async function writeNifti(volume: Volume<VoxelArray>, file: string): Promise<void> {
  const header = encodeHeader(volume);
  const d = volume.data;
  const voxels = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  // Header and voxels are written (or gzipped) in turn: no second copy of a large volume.
  await createFileAtomic(file, file.endsWith('.gz') ? gzipped([header, voxels]) : [header, voxels]);
}

/** Gzip a sequence of byte arrays as a stream, 4 MiB at a time. */
async function* gzipped(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  const gz = createGzip({ level: 1 });
  const feed = (async () => {
    for (const part of parts) {
      for (let o = 0; o < part.length; o += CHUNK) {
        if (!gz.write(part.subarray(o, Math.min(part.length, o + CHUNK)))) await once(gz, 'drain');
      }
    }
    gz.end();
  })();
  for await (const chunk of gz) yield chunk as Uint8Array;
  await feed;
}

const CHUNK = 1 << 22;

/** The NIfTI-1 bytes of a volume (uncompressed, single file). */
export function encodeNifti(volume: Volume<VoxelArray>): Uint8Array {
  const header = encodeHeader(volume);
  const d = volume.data;
  const out = new Uint8Array(header.length + d.byteLength);
  out.set(header);
  out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), header.length);
  return out;
}

/** Header + extension of a volume's NIfTI-1 file, up to vox_offset. */
function encodeHeader(volume: Volume<VoxelArray>): Uint8Array {
  const [nx, ny, nz] = volume.size;
  const d = volume.data;
  const [code, bitpix] =
    d instanceof Float32Array ? [DATATYPE.float32, 32]
    : d instanceof Uint8Array ? [DATATYPE.uint8, 8]
    : d instanceof Int16Array ? [DATATYPE.int16, 16]
    : [DATATYPE.uint16, 16];
  const comment = new TextEncoder().encode(
    JSON.stringify({ delineo: { modality: volume.modality, units: volume.units, frameOfReferenceUID: volume.frameOfReferenceUID, seriesInstanceUID: volume.seriesInstanceUID } }),
  );
  const esize = Math.ceil((8 + comment.length) / 16) * 16;
  const voxOffset = HEADER_BYTES + 4 + esize;
  const out = new Uint8Array(voxOffset);
  const v = new DataView(out.buffer);
  const ras = flipXY(volume.affine);
  const q = qformOf(ras);
  v.setInt32(0, HEADER_BYTES, true);
  v.setUint8(38, 'r'.charCodeAt(0)); // regular
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((x, i) => v.setInt16(40 + 2 * i, x, true));
  v.setInt16(70, code, true);
  v.setInt16(72, bitpix, true);
  [q.qfac, q.spacing[0], q.spacing[1], q.spacing[2], 1, 1, 1, 1].forEach((x, i) => v.setFloat32(76 + 4 * i, x, true));
  v.setFloat32(108, voxOffset, true);
  v.setFloat32(112, 1, true); // scl_slope: values are stored in physical units
  v.setFloat32(116, 0, true);
  v.setUint8(123, 2 | 8); // xyzt_units: mm, s
  const descrip = `Delineo ${volume.modality} ${volume.units}`.slice(0, 79);
  for (let i = 0; i < descrip.length; i++) v.setUint8(148 + i, descrip.charCodeAt(i) & 0x7f);
  v.setInt16(252, 1, true); // qform_code: scanner anatomical
  v.setInt16(254, 1, true); // sform_code: scanner anatomical
  [q.b, q.c, q.d, ras[3], ras[7], ras[11]].forEach((x, i) => v.setFloat32(256 + 4 * i, x, true));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) v.setFloat32(280 + 16 * r + 4 * c, ras[r * 4 + c], true);
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  out[348] = 1; // an extension follows
  v.setInt32(352, esize, true);
  v.setInt32(356, ECODE_COMMENT, true);
  out.set(comment, 360);
  return out;
}

/**
 * Quaternion form of an affine's rotation (nifti1_io's nifti_mat44_to_quatern): columns are
 * normalised, a shear is dropped (the sform keeps it), a left-handed grid gets qfac −1.
 */
function qformOf(m: Float64Array): { b: number; c: number; d: number; qfac: number; spacing: [number, number, number] } {
  const col = (c: number) => [m[c], m[4 + c], m[8 + c]];
  const spacing: [number, number, number] = [0, 1, 2].map((c) => Math.hypot(...col(c)) || 1) as [number, number, number];
  const R = [0, 1, 2].map((c) => col(c).map((x) => x / spacing[c]));
  // Orthogonalise (Gram–Schmidt) so a sheared grid still yields a rotation.
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const norm = (a: number[]) => a.map((x) => x / (Math.hypot(a[0], a[1], a[2]) || 1));
  R[0] = norm(R[0]);
  R[1] = norm(R[1].map((x, i) => x - dot(R[1], R[0]) * R[0][i]));
  const cross = [R[0][1] * R[1][2] - R[0][2] * R[1][1], R[0][2] * R[1][0] - R[0][0] * R[1][2], R[0][0] * R[1][1] - R[0][1] * R[1][0]];
  const qfac = dot(cross, R[2]) < 0 ? -1 : 1;
  R[2] = cross;
  // r[row][col]
  const r = (i: number, j: number) => R[j][i];
  let a = r(0, 0) + r(1, 1) + r(2, 2) + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r(2, 1) - r(1, 2))) / a;
    c = (0.25 * (r(0, 2) - r(2, 0))) / a;
    d = (0.25 * (r(1, 0) - r(0, 1))) / a;
  } else {
    const xd = 1 + r(0, 0) - (r(1, 1) + r(2, 2));
    const yd = 1 + r(1, 1) - (r(0, 0) + r(2, 2));
    const zd = 1 + r(2, 2) - (r(0, 0) + r(1, 1));
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r(0, 1) + r(1, 0))) / b;
      d = (0.25 * (r(0, 2) + r(2, 0))) / b;
      a = (0.25 * (r(2, 1) - r(1, 2))) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r(0, 1) + r(1, 0))) / c;
      d = (0.25 * (r(1, 2) + r(2, 1))) / c;
      a = (0.25 * (r(0, 2) - r(2, 0))) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r(0, 2) + r(2, 0))) / d;
      c = (0.25 * (r(1, 2) + r(2, 1))) / d;
      a = (0.25 * (r(1, 0) - r(0, 1))) / d;
    }
    if (a < 0) [b, c, d] = [-b, -c, -d];
  }
  return { b, c, d, qfac, spacing };
}

