/**
 * Public API of DICOM ingest: find studies in files and folders, then load one series as a
 * Volume in physical units. Other stages import from here only.
 */
import type { StageContext } from '../stage.ts';
import type { LoadedSeries, ScanResult, SeriesInfo } from './types.ts';

export type * from './types.ts';
export type { PetSuvHeader, SuvResult } from './suv.ts';
export { computeSuvFactors } from './suv.ts';

/**
 * Scan files and folders (recursively; DICOMDIR and non-DICOM files tolerated, symlink loops
 * safe), group images into studies and series (split into geometrically consistent stacks),
 * sort along the slice normal. Unusable files come back in `errors`, never thrown.
 */
export async function scanPaths(paths: readonly string[], ctx: StageContext = {}): Promise<ScanResult> {
  void paths; void ctx;
  throw new Error('scanPaths: not implemented yet');
}

/** Load one series found by {@link scanPaths} as a Volume in physical units (HU, SUVbw or raw). */
export async function loadSeries(series: SeriesInfo, ctx: StageContext = {}): Promise<LoadedSeries> {
  void series; void ctx;
  throw new Error('loadSeries: not implemented yet');
}
