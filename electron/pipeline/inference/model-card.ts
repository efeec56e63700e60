/**
 * The model card: the single source of truth between training (native-models/, which
 * writes it at export) and the app (which validates the ONNX graph against it).
 * Schema history is in BREAKING_CHANGES.md. Tensor layout is always N×C×z×y×x (N×C×D×H×W);
 * every [x, y, z] triple below is in voxel-axis order i, j, k.
 */
export const MODEL_CARD_SCHEMA_VERSION = 1;

/** Intensity normalisation of one input channel, applied after resampling to targetSpacing. */
export type ChannelNormalization =
  /** Clip to [min, max] then scale linearly to [0, 1] (CT HU windows, SUV ranges). */
  | { readonly method: 'window'; readonly min: number; readonly max: number }
  /** (v − mean) / std with fixed statistics. */
  | { readonly method: 'zscore-fixed'; readonly mean: number; readonly std: number }
  /** (v − mean) / std with statistics of this volume's foreground (v > threshold). */
  | { readonly method: 'zscore-foreground'; readonly threshold: number }
  /** Per-volume min–max to [0, 1] over voxels between the given percentiles. */
  | { readonly method: 'minmax-percentile'; readonly lower: number; readonly upper: number };

export interface ModelCardInput {
  /** DICOM modality the channel takes: 'CT', 'PT', 'MR'. */
  readonly modality: string;
  /** Human name of the sequence or tracer, e.g. 'T2', 'T1c', 'FDG'. */
  readonly label: string;
  readonly normalization: ChannelNormalization;
  /** Value outside the image after resampling, in the channel's physical units (−1024 HU, 0 SUV). */
  readonly padValue: number;
}

export interface ModelCardOutput {
  /** Output tensor name in the ONNX graph. */
  readonly name: string;
  /** Which branch or head it is ('fused', 'branch-a', 'branch-b'). */
  readonly role: string;
}

export interface ModelCard {
  readonly schemaVersion: number;
  readonly name: string;
  readonly version: string;
  /** 'mim-cmfnet' | 'dual-branch-mmf' | 'dual-branch' (no fusion) — see native-models/nets. */
  readonly architecture: string;
  readonly onnx: { readonly file: string; readonly sha256: string; readonly opset: number };
  /** ONNX input tensor name; shape N × inputs.length × z × y × x. */
  readonly inputName: string;
  /** Channels in tensor order. */
  readonly inputs: readonly ModelCardInput[];
  /** Outputs: foreground probabilities, each N×1×z×y×x, already through sigmoid/softmax. */
  readonly outputs: readonly ModelCardOutput[];
  /** How to turn outputs into one probability: 'mean' of all, or 'first'. */
  readonly combine: 'mean' | 'first';
  /** [x, y, z] mm the network was trained at. */
  readonly targetSpacing: readonly [number, number, number];
  /** [x, y, z] voxels of one sliding window. */
  readonly patchSize: readonly [number, number, number];
  /** Fraction of a window shared with its neighbour, 0 ≤ overlap < 1. */
  readonly overlap: number;
  /** Probability at or above which a voxel is foreground. */
  readonly threshold: number;
  /** Connected components smaller than this (ml) are dropped from the mask. */
  readonly minComponentMl: number;
  /**
   * Fill the holes the mask encloses in each slice of the planning grid (the planes contours
   * are drawn on): a GTV includes its necrotic core, and planning systems read inner contours
   * differently. Absent in older cards: false.
   */
  readonly fillHoles: boolean;
  /** Structure name and RT ROI Interpreted Type written to the RTSTRUCT. */
  readonly structure: { readonly name: string; readonly interpretedType: string; readonly color: readonly [number, number, number] };
  readonly training: {
    readonly method: string;
    readonly data: string;
    readonly labelledFraction: number;
    readonly cases: { readonly labelled: number; readonly unlabelled: number };
    readonly licence: string;
  };
  /** Evaluation figures with the data they were measured on. */
  readonly metrics: Readonly<Record<string, number | string>>;
  readonly intendedUse: string;
  readonly licence: string;
}
