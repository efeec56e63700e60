/**
 * The ingest contract: what scanning files yields and what loading a series returns.
 * Everything downstream (registration, inference, RTSTRUCT) reads DICOM through these
 * shapes, never through dcmjs datasets.
 */
import type { ImageVolume, Volume } from '../volume/index.ts';

/** A file that could not be used, with the reason in one line. */
export interface FileProblem {
  readonly path: string;
  readonly message: string;
}

export interface PatientInfo {
  readonly patientName: string;
  readonly patientID: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
}

export interface StudyHeader {
  readonly studyInstanceUID: string;
  readonly studyDate: string;
  readonly studyTime: string;
  readonly studyID: string;
  readonly accessionNumber: string;
  readonly referringPhysicianName: string;
  readonly studyDescription: string;
}

/** One image (or one frame of a multi-frame image) of a series. */
export interface InstanceRef {
  readonly path: string;
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  /** Frame number (1-based) inside a multi-frame object; 1 otherwise. */
  readonly frame: number;
}

/** A geometrically consistent stack of images, ready to load as one Volume. */
export interface SeriesInfo {
  readonly seriesInstanceUID: string;
  /** Set when one DICOM series was split into several stacks (scouts, other orientations): '1', '2', …; '' otherwise. */
  readonly stackId: string;
  readonly modality: string;
  readonly description: string;
  readonly seriesDate: string;
  readonly seriesTime: string;
  readonly manufacturer: string;
  readonly frameOfReferenceUID: string;
  /** [columns, rows, slices]. */
  readonly size: readonly [number, number, number];
  /** [x, y, z] mm, z = the spacing the volume is (or will be) loaded with. */
  readonly spacing: readonly [number, number, number];
  /** LPS of the first voxel's centre. */
  readonly origin: readonly [number, number, number];
  /** Row-major 3×3, columns are the i, j, k axes in LPS. */
  readonly direction: readonly number[];
  /** Instances sorted along the slice normal, one per slice k. */
  readonly instances: readonly InstanceRef[];
  /** Non-fatal findings (non-uniform spacing, gantry tilt, SUV unavailable, …), one line each. */
  readonly warnings: readonly string[];
  /** Units the loaded volume will carry. */
  readonly units: Volume['units'];
  /** Factor from stored PET activity to SUVbw, or null when not a PET or not computable. */
  readonly suvbwFactor: number | null;
  /**
   * Set when the source images do not lie one per grid slice (non-uniform spacing, a missing
   * slice): the distance in mm of each instance from the origin along the k axis. `instances`
   * then lists the source images and loading interpolates them onto the `size[2]` grid slices.
   */
  readonly sliceOffsets?: readonly number[];
  /** Set when the stack cannot be loaded as a volume: why, in one line (loadSeries refuses it). */
  readonly refusal?: string;
}

export interface StudyInfo {
  readonly studyInstanceUID: string;
  readonly patient: PatientInfo;
  readonly header: StudyHeader;
  readonly series: readonly SeriesInfo[];
  /** RT Structure Sets found in the study (path + referenced series, if any). */
  readonly structureSets: readonly { path: string; sopInstanceUID: string; label: string; referencedSeriesUID: string }[];
  /** Spatial registration objects linking frames of reference. */
  readonly registrations: readonly { path: string; sopInstanceUID: string }[];
}

export interface ScanResult {
  readonly studies: readonly StudyInfo[];
  readonly errors: readonly FileProblem[];
}

export interface LoadedSeries {
  readonly info: SeriesInfo;
  readonly volume: ImageVolume;
  readonly warnings: readonly string[];
}
