/** The registration stage's contract: what runRegistration takes and returns. */
import type { Volume, VoxelArray } from '../volume/volume.ts';
import type { RigidMiOptions } from './rigid-mi.ts';

/** How the alignment was obtained (the CLI's JSON `method`). */
export type RegistrationMethod = 'identity-same-FoR' | 'rigid-mi' | 'dicom-reg';

/** What the caller asks for; 'auto' = identity within one frame, else a linking REG, else rigid MI. */
export type RegistrationChoice = 'auto' | 'identity' | 'rigid-mi' | 'dicom-reg';

/** A Spatial Registration object found by ingest (StudyInfo.registrations). */
export interface RegistrationObjectRef {
  readonly path: string;
  readonly sopInstanceUID: string;
}

/** What {@link runRegistration} aligns, and how it may do it. */
export interface RegistrationInput {
  /** The planning CT (or whatever the moving series is aligned to). */
  readonly fixed: Volume<VoxelArray>;
  readonly moving: Volume<VoxelArray>;
  /** REG objects of the study, offered when they link the two frames of reference. */
  readonly registrations?: readonly RegistrationObjectRef[];
  readonly method?: RegistrationChoice;
  /** Tuning of the rigid MI optimisation (defaults are the validated ones). */
  readonly options?: Partial<RigidMiOptions>;
}

/** Whether the app should trust the alignment, and why (shown to the user). */
export interface RegistrationQuality {
  readonly ok: boolean;
  /** One line: the problem(s) when not ok, the evidence when ok. */
  readonly reason: string;
  /** Normalised mutual information at the result (1 = unrelated, 2 = identical). */
  readonly nmi: number;
  /** Fraction of the fixed body that lies inside the moving series' field of view. */
  readonly overlap: number;
  /**
   * Largest body displacement (mm) when the result is re-optimised at the finest level: with
   * fresh samples for rigid MI (stability), from the given matrix for identity and REG
   * (disagreement of the images with it). Null when not measured.
   */
  readonly residualMm: number | null;
}

/** The alignment of the moving series onto the fixed one, as the CLI prints and the app shows it. */
export interface RegistrationResult {
  readonly method: RegistrationMethod;
  /** Moving patient → fixed patient (LPS mm), 4 rows of 4 numbers. */
  readonly matrix: number[][];
  /** Mattes mutual information (nats) at the result, finest level. */
  readonly metric: number;
  readonly seconds: number;
  readonly warnings: string[];
  readonly quality: RegistrationQuality;
  /** The REG object used (method 'dicom-reg'), else null. */
  readonly registrationObject: { readonly path: string; readonly sopInstanceUID: string; readonly label: string } | null;
}
