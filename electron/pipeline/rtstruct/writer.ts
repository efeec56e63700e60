/**
 * RT Structure Set export: masks on the planning CT grid → `RS.<SOPInstanceUID>.dcm`.
 */
import path from 'node:path';
import type { SeriesInfo, StudyInfo } from '../dicom/types.ts';
import { PipelineError } from '../errors.ts';
import { throwIfAborted, type StageContext } from '../stage.ts';
import { maskToContours } from '../contours/index.ts';
import type { GridGeometry } from '../volume/geometry.ts';
import { createFileAtomic } from '../atomic-file.ts';
import { buildStructureSetDataset, RT_STRUCTURE_SET_STORAGE, type RoiToEncode } from './dataset.ts';
import { encodeDataset } from './dicom-file.ts';
import type { Approval, StructureToWrite } from './types.ts';
import { newUID } from './uid.ts';

/** Our implementation class UID (2.25 form of a fixed UUID) and version name in file meta. */
const IMPLEMENTATION = { classUID: '2.25.262798296418064338151698329962839702117', versionName: 'DELINEO_0_1' };

export interface WriteRtstructInput {
  /** Patient and study header of the planning CT's study. */
  readonly study: Pick<StudyInfo, 'studyInstanceUID' | 'patient' | 'header'>;
  /** The planning CT series: its instances (one per slice k) are what contours reference. */
  readonly series: SeriesInfo;
  /** Geometry of the CT volume the masks were made on (a loaded Volume fits). */
  readonly grid: GridGeometry;
  readonly structures: readonly StructureToWrite[];
  /** Structure Set Label (SH): cut to 16 characters; default 'Delineo'. */
  readonly label?: string;
  /** Absent: UNAPPROVED. */
  readonly approval?: Approval;
  /** Research builds say "not for clinical use" in the series description (default true). */
  readonly research?: boolean;
  readonly softwareVersion?: string;
  /** Creation time (default now); fixed in tests. */
  readonly createdAt?: Date;
  /** Contour simplification tolerance in pixels (see maskToContours). */
  readonly tolerancePx?: number;
}

export interface WrittenRtstruct {
  readonly path: string;
  readonly sopInstanceUID: string;
  readonly seriesInstanceUID: string;
  /** Contours written per structure, in input order. */
  readonly contourCounts: readonly number[];
  /** Values of the image study changed to stay valid (too long for their VR), one line each. */
  readonly warnings: readonly string[];
}

/**
 * Trace each structure's mask into planar contours on the CT slices and write one RT
 * Structure Set into `outDir` as `RS.<SOPInstanceUID>.dcm` (atomic, never overwriting).
 *
 * @throws PipelineError RTSTRUCT_INPUT when a mask is not on the CT grid, the series does not
 *   match the grid, a name is not a valid LO, or an AUTOMATIC structure has no model; plus the
 *   errors of the atomic write. Honours ctx.signal; reports 'export' progress per structure.
 */
export async function writeRtstruct(input: WriteRtstructInput, outDir: string, ctx: StageContext = {}): Promise<WrittenRtstruct> {
  checkSeries(input.series, input.grid);
  const names = input.structures.map((s) => s.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new PipelineError('RTSTRUCT_INPUT', `two structures are named '${repeated}'; ROI names must be unique`);
  const rois: RoiToEncode[] = [];
  const total = input.structures.length + 1;
  for (const [n, s] of input.structures.entries()) {
    throwIfAborted(ctx);
    checkStructure(s, input.grid, input.series.frameOfReferenceUID);
    const contours = maskToContours(s.mask, { label: s.label ?? 1, tolerancePx: input.tolerancePx }, { signal: ctx.signal });
    rois.push({
      name: s.name,
      color: s.color,
      interpretedType: s.interpretedType ?? 'GTV',
      generation: s.generation,
      generationDescription: generationDescription(s, input.softwareVersion ?? ''),
      contours,
    });
    ctx.onProgress?.({ stage: 'export', done: n + 1, total, message: s.name });
  }
  throwIfAborted(ctx);
  const sopInstanceUID = newUID();
  const seriesInstanceUID = newUID();
  const warnings: string[] = [];
  const dataset = buildStructureSetDataset({
    study: input.study,
    series: input.series,
    sopInstanceUID,
    seriesInstanceUID,
    label: (input.label ?? 'Delineo').slice(0, 16),
    seriesDescription: input.research === false ? 'Delineo structures' : 'Delineo structures - research, not for clinical use',
    createdAt: input.createdAt ?? new Date(),
    approval: input.approval ?? null,
    softwareVersion: input.softwareVersion ?? '',
  }, rois, warnings);
  const bytes = encodeDataset(dataset, RT_STRUCTURE_SET_STORAGE, sopInstanceUID, IMPLEMENTATION);
  const file = path.join(outDir, `RS.${sopInstanceUID}.dcm`);
  await createFileAtomic(file, bytes);
  ctx.onProgress?.({ stage: 'export', done: total, total, message: path.basename(file) });
  return { path: file, sopInstanceUID, seriesInstanceUID, contourCounts: rois.map((r) => r.contours.length), warnings };
}

/** "model 1.2.0, edited" style text for ROI Generation Description (LO, ≤ 64). */
function generationDescription(s: StructureToWrite, softwareVersion: string): string {
  const by = s.model ? `${s.model.name} ${s.model.version}` : '';
  const text = s.generation === 'AUTOMATIC' ? `${by} (Delineo ${softwareVersion})`.replace(' ()', '')
    : s.generation === 'SEMIAUTOMATIC' ? (by ? `${by}, edited in Delineo` : 'edited in Delineo')
      : 'drawn in Delineo';
  return text.replace(/\\/g, '/').replace(/ \(Delineo \)$/, '').slice(0, 64);
}

function checkSeries(series: SeriesInfo, grid: GridGeometry): void {
  if (!series.frameOfReferenceUID) {
    throw new PipelineError('RTSTRUCT_INPUT', `series ${series.seriesInstanceUID} has no Frame of Reference UID; a structure set cannot be tied to it`);
  }
  if (series.instances.length !== grid.size[2]) {
    throw new PipelineError('RTSTRUCT_INPUT', `series ${series.seriesInstanceUID} has ${series.instances.length} images but the CT grid has ${grid.size[2]} slices`);
  }
  for (const inst of series.instances) {
    if (!inst.sopInstanceUID || !inst.sopClassUID) throw new PipelineError('RTSTRUCT_INPUT', `series ${series.seriesInstanceUID} has an image without SOP Instance or Class UID`);
  }
}

function checkStructure(s: StructureToWrite, grid: GridGeometry, frame: string): void {
  const name = `structure '${s.name}'`;
  if (!s.name.trim() || s.name.length > 64 || s.name.includes('\\')) {
    throw new PipelineError('RTSTRUCT_INPUT', `${name}: an ROI name must be 1–64 characters without a backslash`);
  }
  if (s.generation === 'AUTOMATIC' && !s.model) throw new PipelineError('RTSTRUCT_INPUT', `${name}: AUTOMATIC needs the model name and version`);
  if (s.color.length !== 3 || s.color.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
    throw new PipelineError('RTSTRUCT_INPUT', `${name}: colour must be three integers 0–255`);
  }
  const m = s.mask;
  const sameSize = m.size[0] === grid.size[0] && m.size[1] === grid.size[1] && m.size[2] === grid.size[2];
  const sameAffine = m.affine.every((v, i) => Math.abs(v - grid.affine[i]) < 1e-4);
  if (!sameSize || !sameAffine) throw new PipelineError('RTSTRUCT_INPUT', `${name}: mask is not on the CT grid (resample it to the planning CT first)`);
  if (m.frameOfReferenceUID && frame && m.frameOfReferenceUID !== frame) {
    throw new PipelineError('RTSTRUCT_INPUT', `${name}: mask frame of reference ${m.frameOfReferenceUID} is not the CT's ${frame}`);
  }
}
