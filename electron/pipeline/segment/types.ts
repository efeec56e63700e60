/**
 * What `runSegmentStudy` takes and returns — the one contract the CLI and the app share.
 */
import type { InferenceHost, DeviceChoice } from '../inference/index.ts';
import type { MaskVolume, Volume, VoxelArray } from '../volume/index.ts';

export interface SegmentStudyInput {
  /** DICOM files and folders of one study (may be empty when every input is named). */
  readonly paths: readonly string[];
  /**
   * Images named explicitly, by card input label or modality ('CT', 'PET'/'PT', 'MR', 'T1c', …):
   * a NIfTI file, a DICOM folder holding one series of that modality, or a loaded Volume.
   */
  readonly inputs?: Readonly<Record<string, string | Volume<VoxelArray>>>;
  /** Model card file; default: the best shipped card whose modalities the study has. */
  readonly modelCard?: string;
  /** Where shipped cards are looked for (default native-models/models of the checkout). */
  readonly modelsDir?: string;
  readonly device?: DeviceChoice;
  /** CPU threads for ONNX Runtime (default: physical cores). */
  readonly threads?: number;
  /** Write RS.<uid>.dcm, mask.nii.gz, uncertainty.nii.gz and report.json here (created if needed; nothing is overwritten). */
  readonly outDir?: string;
  /** A long-lived inference process to reuse (the app keeps one); otherwise one is started and stopped. */
  readonly host?: InferenceHost;
  /** Compare with expert structures found in the study (default true). */
  readonly compareWithExpert?: boolean;
}

/** Seconds per stage ('contour' and 'export' are 0 when no outDir was given). */
export interface SegmentTimings {
  readonly load: number;
  readonly register: number;
  readonly infer: number;
  readonly contour: number;
  readonly export: number;
  /** Reading and rasterising expert structures, Dice and HD95 (0 when the study has none). */
  readonly compare: number;
  readonly total: number;
}

/** A structure the run produced. */
export interface SegmentedStructure {
  readonly name: string;
  readonly volumeMl: number;
  readonly voxels: number;
}

/** The model's structure against one expert structure on the planning grid. */
export interface ExpertComparison {
  /** ROI name in the expert structure set. */
  readonly structure: string;
  /** The structure set file it came from. */
  readonly file: string;
  readonly dice: number;
  /** Null when either mask is empty. */
  readonly hd95Mm: number | null;
  readonly expertVolumeMl: number;
}

/** Files written when `outDir` was given (null where not written, with the reason in warnings). */
export interface SegmentOutputs {
  readonly rtstruct: string | null;
  readonly mask: string;
  readonly uncertainty: string | null;
  readonly report: string;
}

export interface SegmentStudyResult {
  /** Binary mask (0/1) on the planning image grid. */
  readonly mask: MaskVolume;
  /** Combined probability on the planning grid. */
  readonly probability: Volume;
  /** Branch disagreement |p_a − p_b| on the planning grid; null for single-head models. */
  readonly uncertainty: Volume | null;
  /** The planning image (the CT when the model takes one). */
  readonly planning: Volume<VoxelArray>;
  readonly model: { readonly name: string; readonly version: string; readonly card: string };
  /** Execution provider actually used. */
  readonly device: string;
  readonly timings: SegmentTimings;
  readonly structures: readonly SegmentedStructure[];
  readonly comparison: readonly ExpertComparison[];
  /** How each secondary input was aligned to the planning image. */
  readonly registrations: readonly { readonly modality: string; readonly method: string; readonly ok: boolean; readonly reason: string }[];
  readonly warnings: readonly string[];
  readonly outputs: SegmentOutputs | null;
}
