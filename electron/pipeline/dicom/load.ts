/**
 * Loading one stack found by scanning as a Volume in physical units (rescaled per slice, × the
 * SUV factor for PET): native frames are read on the caller's thread straight into the volume,
 * compressed ones decoded in the ingest workers and copied in; a stack that was not uniform is
 * then interpolated along k onto its grid.
 *
 * Values are Float32, except a CT whose HU are whole numbers in every file (slope 1, whole
 * intercept, plain 16-bit native pixels — nearly every CT): it is held as Int16, exactly, in
 * half the memory, read straight into place and rescaled there (int16-rescale.ts).
 */
import { PipelineError } from '../errors.ts';
import type { StageContext } from '../stage.ts';
import { affineFrom } from '../volume/geometry.ts';
import type { ImageVolume } from '../volume/volume.ts';
import { recallHeader } from './header-cache.ts';
import { newInt16Volume } from './int16-rescale.ts';
import { ingestPool } from './pool.ts';
import { copyToInt16, holdsExactly, readsInPlace } from './read-file.ts';
import { runBoundedTask } from './tasks.ts';
import type { InstanceRef, LoadedSeries, SeriesInfo } from './types.ts';

/** Files decoding at once: two per worker keeps both busy while the main thread copies. */
const IN_FLIGHT = 4;

/** Load a stack (see index.ts for the contract). */
export async function load(series: SeriesInfo, ctx: StageContext = {}): Promise<LoadedSeries> {
  const uid = series.seriesInstanceUID + (series.stackId ? ` (stack ${series.stackId})` : '');
  if (series.refusal) throw new PipelineError('DICOM_REFUSED', `series ${uid} cannot be loaded: ${series.refusal}`);
  const [nx, ny, nz] = series.size;
  const plane = nx * ny;
  const sources = series.instances.length;
  const scale = series.suvbwFactor ?? 1;
  const stack = wholeHu(series, scale) ? newInt16Volume(plane * sources) : new Float32Array(plane * sources);

  // One task per file (a multi-frame file decodes all its frames in one go).
  const byFile = new Map<string, { refs: InstanceRef[]; slots: number[] }>();
  series.instances.forEach((ref, k) => {
    if (!byFile.has(ref.path)) byFile.set(ref.path, { refs: [], slots: [] });
    const entry = byFile.get(ref.path)!;
    entry.refs.push(ref);
    entry.slots.push(k);
  });
  let done = 0;
  const problems: string[] = [];
  ctx.onProgress?.({ stage: 'load', done: 0, total: sources });
  // A few files in flight at a time, their slice arrays passed back and forth (transferred, not
  // copied) and reused: peak memory stays near the volume itself instead of volume + garbage.
  const free: Float32Array[] = [];
  const files = [...byFile];
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const [path, { refs, slots }] = files[next++];
      ctx.signal?.throwIfAborted();
      const scanned = recallHeader(path, refs[0].sopInstanceUID);
      const req = {
        op: 'frames',
        path,
        frames: refs.map((r) => r.frame),
        scale,
        expect: { sopInstanceUID: refs[0].sopInstanceUID, rows: ny, columns: nx },
        header: scanned?.header,
        pixelSpan: scanned?.pixelSpan,
      } as const;
      // Native pixels are read here straight into the volume (no copy); the rest (codecs,
      // files needing a full parse, an int16 CT's file that changed since scanning) go to
      // the workers.
      const here = await runBoundedTask({ ...req, targets: slots.map((k) => stack.subarray(k * plane, (k + 1) * plane)) });
      if (here?.ok) {
        done += refs.length;
        ctx.onProgress?.({ stage: 'load', done, total: sources, message: path.split(/[\\/]/).pop() });
        continue;
      }
      const targets = refs.map(() => free.pop() ?? new Float32Array(plane));
      const result = await ingestPool().run({ ...req, targets }, ctx.signal, undefined, targets.map((t) => t.buffer as ArrayBuffer));
      if (!result.ok) {
        problems.push(result.message);
        continue;
      }
      result.frames!.forEach((values, i) => {
        if (stack instanceof Int16Array) copyToInt16(values, stack, slots[i] * plane);
        else stack.set(values, slots[i] * plane);
        if (values.length === plane) free.push(values);
      });
      done += refs.length;
      ctx.onProgress?.({ stage: 'load', done, total: sources, message: path.split(/[\\/]/).pop() });
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, files.length) }, lane));
  ctx.signal?.throwIfAborted();
  if (problems.length) {
    // A volume with holes would be silently wrong: refuse, naming the first bad file.
    problems.sort();
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more file${problems.length > 2 ? 's' : ''})` : '';
    throw new PipelineError('DICOM_LOAD', `series ${uid}: ${problems[0]}${more}`);
  }

  const data = series.sliceOffsets ? interpolateSlices(stack, plane, series.sliceOffsets, nz, series.spacing[2]) : stack;
  const sopInstanceUIDs = gridUIDs(series);
  const affine = affineFrom(series.origin, axesOf(series.direction), series.spacing);
  const volume: ImageVolume = {
    data,
    size: [nx, ny, nz],
    affine,
    frameOfReferenceUID: series.frameOfReferenceUID,
    modality: series.modality,
    units: series.units,
    sopInstanceUIDs,
    seriesInstanceUID: series.seriesInstanceUID,
  };
  return { info: series, volume, warnings: series.warnings };
}

/** Whether every file of a CT stack can be read as whole HU straight into an Int16Array. */
function wholeHu(series: SeriesInfo, scale: number): boolean {
  if (series.modality !== 'CT' || series.units !== 'HU' || scale !== 1) return false;
  return series.instances.every((ref) => {
    const scanned = recallHeader(ref.path, ref.sopInstanceUID);
    const frame = scanned?.header.frames[ref.frame - 1];
    return !!frame && readsInPlace(scanned.header, scanned.pixelSpan) && holdsExactly(frame.rescaleSlope, frame.rescaleIntercept);
  });
}

function axesOf(direction: readonly number[]): number[][] {
  return [0, 1, 2].map((c) => [direction[c], direction[3 + c], direction[6 + c]]);
}

/** Linear interpolation along k from source slices at `offsets` (mm) onto nz slices `step` apart. */
function interpolateSlices(stack: Float32Array | Int16Array, plane: number, offsets: readonly number[], nz: number, step: number): Float32Array {
  const out = new Float32Array(plane * nz);
  let s = 0;
  for (let k = 0; k < nz; k++) {
    const z = k * step;
    while (s < offsets.length - 2 && offsets[s + 1] < z) s++;
    const z0 = offsets[s], z1 = offsets[s + 1];
    const t = Math.min(1, Math.max(0, z1 > z0 ? (z - z0) / (z1 - z0) : 0));
    const a = stack.subarray(s * plane, (s + 1) * plane);
    const b = stack.subarray((s + 1) * plane, (s + 2) * plane);
    const o = k * plane;
    for (let i = 0; i < plane; i++) out[o + i] = a[i] + t * (b[i] - a[i]);
  }
  return out;
}

/** SOP Instance UID per grid slice: the source image lying on it, '' for interpolated slices. */
function gridUIDs(series: SeriesInfo): string[] {
  if (!series.sliceOffsets) return series.instances.map((r) => r.sopInstanceUID);
  const step = series.spacing[2];
  const uids = new Array<string>(series.size[2]).fill('');
  series.sliceOffsets.forEach((z, i) => {
    const k = Math.round(z / step);
    if (k >= 0 && k < uids.length && Math.abs(z - k * step) < 0.01 * step) uids[k] = series.instances[i].sopInstanceUID;
  });
  return uids;
}
