/**
 * Public API of DICOM ingest: find studies in files and folders, then load one series as a
 * Volume in physical units. Other stages import from here only.
 */
import { PipelineError } from '../errors.ts';
import type { StageContext } from '../stage.ts';
import { analyseFile, MAX_FILE_BYTES } from './file-layout.ts';
import { load } from './load.ts';
import { readBytes } from './read-file.ts';
import { scan } from './scan.ts';
import type { LoadedSeries, ScanResult, SeriesInfo, StudyInfo } from './types.ts';

export type * from './types.ts';
export type { PetSuvHeader, SuvResult } from './suv.ts';
export { computeSuvFactors } from './suv.ts';

/**
 * Scan files and folders (recursively; DICOMDIR and non-DICOM files tolerated, symlink loops
 * safe), group images into studies and series (split into geometrically consistent stacks),
 * sort along the slice normal. Unusable files come back in `errors`, never thrown.
 * Plain classic-image headers are read on the caller's thread by our bounded walker (a few
 * milliseconds per file between awaits); anything needing dcmjs is parsed in worker threads
 * with a time limit. Progress is reported per file (stage 'scan').
 */
export async function scanPaths(paths: readonly string[], ctx: StageContext = {}): Promise<ScanResult> {
  return scan(paths, ctx);
}

/**
 * Load one series found by {@link scanPaths} as a Volume in physical units (HU, SUVbw or raw).
 * Native pixels are converted on the caller's thread straight into the volume, a few slices per
 * turn; compressed ones are decoded in worker threads. Progress per slice (stage 'load').
 *
 * @throws PipelineError('DICOM_REFUSED') for a stack scanning marked unloadable (see
 *   `SeriesInfo.refusal`), PipelineError('DICOM_LOAD') naming the first file that failed.
 */
export async function loadSeries(series: SeriesInfo, ctx: StageContext = {}): Promise<LoadedSeries> {
  return load(series, ctx);
}

/** Every stack of every study, in scan order. */
export function allSeries(result: ScanResult): SeriesInfo[] {
  return result.studies.flatMap((s) => s.series);
}

/**
 * The stack of a series by its Series Instance UID. A series split into several stacks is
 * ambiguous unless `stackId` is given ('UID:2' also selects stack 2).
 *
 * @throws PipelineError('SERIES_NOT_FOUND' | 'SERIES_AMBIGUOUS') listing what is there.
 */
export function findSeries(result: ScanResult, uid: string, stackId?: string): SeriesInfo {
  let wanted = uid, stack = stackId;
  const m = /^(.*):(\d+)$/.exec(uid);
  if (m && stack === undefined) [wanted, stack] = [m[1], m[2]];
  const matches = allSeries(result).filter((s) => s.seriesInstanceUID === wanted && (stack === undefined || s.stackId === stack));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new PipelineError('SERIES_AMBIGUOUS', `series ${wanted} holds ${matches.length} stacks; choose one with ${wanted}:<stack> (${matches.map((s) => `${s.stackId}: ${s.size.join('×')}`).join(', ')})`);
  }
  const known = allSeries(result).map((s) => `${s.seriesInstanceUID} (${s.modality})`);
  throw new PipelineError('SERIES_NOT_FOUND', `series ${uid} not found${known.length ? `; found: ${known.join(', ')}` : ' (no image series found)'}`);
}

/** The study holding a series, or undefined. */
export function studyOf(result: ScanResult, series: SeriesInfo): StudyInfo | undefined {
  return result.studies.find((s) => s.series.includes(series));
}

/**
 * Read one DICOM object (an RT Structure Set, a registration …) through the guarded parser:
 * element lengths checked before dcmjs sees the bytes, files without preamble or meta header
 * accepted, Pixel Data left out. Runs on the caller's thread — meant for non-image objects.
 *
 * @returns a naturalized dataset: DICOM keyword → value, sequences as arrays of such objects,
 *   unknown (private) tags under their 8-digit hex tag.
 * @throws PipelineError naming `path` (FILE_READ, DICOM_TOO_LARGE, DICOM_NOT_DICOM, DICOM_MALFORMED).
 */
export async function readDicomDataset(path: string, maxBytes = MAX_FILE_BYTES): Promise<Record<string, unknown>> {
  const bytes = await readBytes(path, maxBytes);
  const { parseHeader } = await import('./dcmjs-parse.ts');
  return parseHeader(analyseFile(bytes, path), path).values as Record<string, unknown>;
}
