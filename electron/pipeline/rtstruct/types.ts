/**
 * Shapes of RT Structure Set import and export, independent of dcmjs.
 */
import type { Mat4 } from '../volume/geometry.ts';
import type { MaskVolume } from '../volume/volume.ts';

/** How an ROI came to be (ROI Generation Algorithm, 3006,0036). */
export type RoiGeneration = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

/** RGB display colour, 0–255 each. */
export type RoiColor = readonly [number, number, number];

/**
 * An image grid contours are placed on or rasterised onto: a loaded Volume fits, so does
 * {@link gridOfSeries} of a scanned series.
 */
export interface ImageGrid {
  readonly size: readonly [number, number, number];
  /** Row-major index → LPS mm. */
  readonly affine: Mat4;
  readonly frameOfReferenceUID: string;
  /** SOP Instance UID of the image at each slice k. */
  readonly sopInstanceUIDs: readonly string[];
  readonly seriesInstanceUID: string;
}

/** One structure to export. */
export interface StructureToWrite {
  /** ROI Name (LO: at most 64 characters, no backslash). */
  readonly name: string;
  readonly color: RoiColor;
  /** RT ROI Interpreted Type (default 'GTV'). */
  readonly interpretedType?: string;
  /** Mask on the CT grid; voxels equal to `label` (default 1) are inside. */
  readonly mask: MaskVolume;
  readonly label?: number;
  /** AUTOMATIC for a model's proposal, SEMIAUTOMATIC once edited, MANUAL when drawn. */
  readonly generation: RoiGeneration;
  /** The model that produced it: required for AUTOMATIC, recorded for SEMIAUTOMATIC. */
  readonly model?: { readonly name: string; readonly version: string };
}

/** Who approved the structure set, and when (Approval module). */
export interface Approval {
  readonly status: 'APPROVED' | 'REJECTED';
  readonly reviewerName: string;
  readonly reviewedAt: Date;
}

/** A contour as read from a structure set. */
export interface RoiContour {
  /** CLOSED_PLANAR, OPEN_PLANAR, POINT, … */
  readonly geometricType: string;
  /** Images the contour says it lies on (may be empty: not every writer fills it). */
  readonly referencedSOPInstanceUIDs: readonly string[];
  /** LPS mm, x, y, z per point. */
  readonly points: Float64Array;
}

/** An ROI as read from a structure set. */
export interface Roi {
  readonly number: number;
  readonly name: string;
  readonly color: RoiColor | null;
  /** RT ROI Interpreted Type ('' when absent). */
  readonly interpretedType: string;
  readonly generation: string;
  readonly frameOfReferenceUID: string;
  readonly contours: readonly RoiContour[];
}

/** What a structure set file holds. */
export interface StructureSet {
  readonly path: string;
  readonly sopInstanceUID: string;
  readonly studyInstanceUID: string;
  readonly label: string;
  readonly name: string;
  /** Frame of reference of the first Referenced Frame of Reference item ('' if none). */
  readonly frameOfReferenceUID: string;
  /** Image series named in RT Referenced Series Sequences. */
  readonly referencedSeriesUIDs: readonly string[];
  /** Images listed in those series' Contour Image Sequences. */
  readonly referencedImageUIDs: readonly string[];
  readonly rois: readonly Roi[];
}
