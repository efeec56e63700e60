/**
 * The one place where the service reaches the pipeline. The service speaks to this small
 * interface; `realPipeline()` implements it with the pipeline's public entry points, loaded
 * lazily so that a stage not built yet makes only its own channel fail (NOT_AVAILABLE), not
 * the whole app.
 */
import type { Approval, DeviceChoice, Rgb, RoiGeneration } from '../ipc/contract.ts';
import type { LoadedSeries, ScanResult, SeriesInfo, StudyInfo } from '../pipeline/dicom/types.ts';
import type { InferenceHost } from '../pipeline/inference/index.ts';
import type { StageContext } from '../pipeline/stage.ts';
import type { ImageVolume, MaskVolume, Volume } from '../pipeline/volume/volume.ts';

/** A structure as the pipeline hands it over or takes it for export. */
export interface PipelineStructure {
  readonly name: string;
  readonly color: Rgb;
  readonly interpretedType: string;
  readonly mask: MaskVolume;
}

/** What the segment stage returns to the app. */
export interface PipelineSegmentResult {
  readonly structures: readonly PipelineStructure[];
  readonly uncertainty: Volume | null;
  readonly model: { readonly name: string; readonly version: string };
  readonly device: string;
  readonly warnings: readonly string[];
  /** Model GTV vs expert contour, when the study holds one. */
  readonly comparison: readonly { readonly structure: string; readonly dice: number; readonly hd95Mm: number | null }[];
  readonly timings: Readonly<Record<string, number>>;
}

/** One structure to write into an RTSTRUCT. */
export interface ExportStructure extends PipelineStructure {
  readonly generation: RoiGeneration;
  readonly model: { readonly name: string; readonly version: string } | null;
  readonly approval: Approval | null;
}

/** The pipeline as the service uses it. */
export interface PipelineAdapter {
  scan(paths: readonly string[], ctx: StageContext): Promise<ScanResult>;
  load(series: SeriesInfo, ctx: StageContext): Promise<LoadedSeries>;
  /** Rasterise an RTSTRUCT's ROIs onto the planning grid. */
  importStructures(
    structureSetPath: string,
    study: StudyInfo,
    planning: ImageVolume,
    ctx: StageContext,
  ): Promise<{ structures: readonly PipelineStructure[]; warnings: readonly string[] }>;
  /**
   * Align a series of another frame of reference to `fixed` (a REG object of the study when one
   * links the frames, else rigid mutual information): the moving→fixed matrix, and warnings
   * that include the quality flag when the alignment is doubtful.
   */
  register(
    input: { study: StudyInfo; fixed: ImageVolume; moving: ImageVolume },
    ctx: StageContext,
  ): Promise<{ matrix: Float64Array; method: string; warnings: readonly string[] }>;
  /** Contour the study's tumour (load, register, normalise, infer, contour). */
  segment(
    input: { study: StudyInfo; paths: readonly string[]; planning: ImageVolume; modelCard?: string; device?: DeviceChoice },
    ctx: StageContext,
  ): Promise<PipelineSegmentResult>;
  /** Write an RTSTRUCT (atomically, never overwriting) into `folder`; returns what was written. */
  exportRtstruct(
    input: { study: StudyInfo; planning: SeriesInfo; planningVolume: ImageVolume; structures: readonly ExportStructure[]; folder: string },
    ctx: StageContext,
  ): Promise<{ path: string; sopInstanceUID: string; seriesDescription: string }>;
}

/** Options of the real pipeline. */
export interface RealPipelineOptions {
  /**
   * The long-lived ONNX Runtime worker host (the Electron main passes one that starts a
   * utilityProcess); default: one that forks a Node child process.
   */
  readonly inferenceHost?: InferenceHost;
  /** Folder of shipped model cards (default: the pipeline's). */
  readonly modelsDir?: string;
}

/** The real pipeline: ingest, expert RTSTRUCT import, segmentation and RTSTRUCT export. */
export function realPipeline(options: RealPipelineOptions = {}): PipelineAdapter {
  let host: InferenceHost | null = options.inferenceHost ?? null;
  return {
    async scan(paths, ctx) {
      const { scanPaths } = await import('../pipeline/dicom/index.ts');
      return scanPaths(paths, ctx);
    },
    async load(series, ctx) {
      const { loadSeries } = await import('../pipeline/dicom/index.ts');
      return loadSeries(series, ctx);
    },
    async importStructures(structureSetPath, study, planning, ctx) {
      const { importStructureSet } = await import('./import-structures.ts');
      return importStructureSet(structureSetPath, study, planning, ctx);
    },
    async register(input, ctx) {
      const { runRegistration, matrixFromRows } = await import('../pipeline/registration/index.ts');
      const r = await runRegistration({ fixed: input.fixed, moving: input.moving, registrations: input.study.registrations }, ctx);
      // Always say how a fusion across frames was aligned: the user must be able to check it.
      const warnings = [`aligned to the planning frame by ${r.method} (${r.quality.ok ? r.quality.reason : 'doubtful'})`, ...r.warnings];
      if (!r.quality.ok) warnings.push(`registration quality: ${r.quality.reason}; review the fusion before trusting it`);
      return { matrix: matrixFromRows(r.matrix), method: r.method, warnings };
    },
    async segment(input, ctx) {
      const { segmentStudy } = await import('./segment-study.ts');
      if (!host) host = new (await import('../pipeline/inference/index.ts')).InferenceHost();
      return segmentStudy(input, host, options.modelsDir, ctx);
    },
    async exportRtstruct(input, ctx) {
      const { exportStructureSet } = await import('./export-structures.ts');
      return exportStructureSet(input, ctx);
    },
  };
}
