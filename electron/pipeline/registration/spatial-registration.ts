/**
 * DICOM Spatial Registration objects (REG, SOP Class 1.2.840.10008.5.1.4.1.1.66.1): the rigid
 * matrices a planning system or a previous session recorded between frames of reference.
 *
 * Per PS3.3 C.20.2, each Registration Sequence item names a source Frame of Reference and a
 * Matrix Registration whose Matrix Sequence items (applied in order) map that source's patient
 * coordinates into the REG object's own Frame of Reference (the "registered" one). So
 * moving → fixed = A_fixed⁻¹ · A_moving, with A = I for the registered frame itself.
 *
 * Files are read through ingest's guarded parser with a size cap; every failure is a one-line
 * PipelineError naming the file.
 */
import { readDicomDataset } from '../dicom/index.ts';
import { PipelineError } from '../errors.ts';
import { identity4, invert4, multiply4, type Mat4 } from '../volume/geometry.ts';
import { rigidityError } from './euler.ts';

/** SOP Class UID of Spatial Registration Storage (rigid and affine matrices). */
export const SPATIAL_REGISTRATION_CLASS = '1.2.840.10008.5.1.4.1.1.66.1';
const DEFORMABLE_REGISTRATION_CLASS = '1.2.840.10008.5.1.4.1.1.66.3';
/** A REG object is small; anything larger is not one (and must not be read into memory). */
const MAX_REG_BYTES = 16 * 1024 * 1024;
/** Largest tolerated deviation from a proper rotation in a RIGID matrix (rounding in DS text). */
const RIGID_TOLERANCE = 1e-3;

/** One frame of reference a REG object links, with its matrix into the registered frame. */
export interface RegistrationEntry {
  readonly frameOfReferenceUID: string;
  /** Source patient coordinates → the REG object's frame (row-major 4×4). */
  readonly toRegistered: Mat4;
}

/** What a Spatial Registration object says. */
export interface SpatialRegistration {
  readonly path: string;
  readonly sopInstanceUID: string;
  /** The REG object's own Frame of Reference (the one all entries map into). */
  readonly frameOfReferenceUID: string;
  readonly entries: readonly RegistrationEntry[];
  /** Content label / description, for offering it to the user. */
  readonly label: string;
}

type Item = Record<string, unknown>;
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const text = (ds: Item, key: string): string => {
  const v = first(ds[key]);
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
};
const seq = (ds: Item, key: string): Item[] => {
  const v = ds[key];
  if (Array.isArray(v)) return v.filter((x): x is Item => !!x && typeof x === 'object');
  return v && typeof v === 'object' ? [v as Item] : [];
};

/**
 * Read a Spatial Registration object.
 * @throws PipelineError naming `path`: unreadable, not a REG, deformable, non-rigid matrix type,
 *   malformed or non-rigid matrix.
 */
export async function readSpatialRegistration(path: string): Promise<SpatialRegistration> {
  let ds: Item;
  try {
    ds = await readDicomDataset(path, MAX_REG_BYTES);
  } catch (e) {
    throw new PipelineError('REG_UNREADABLE', `not a readable registration object (${oneLineOf(e).replace(`${path}: `, '')})`, path);
  }
  const sopClass = text(ds, 'SOPClassUID');
  if (sopClass === DEFORMABLE_REGISTRATION_CLASS) throw new PipelineError('REG_UNSUPPORTED', 'deformable spatial registration is not supported (rigid only)', path);
  if (sopClass !== SPATIAL_REGISTRATION_CLASS) throw new PipelineError('REG_INVALID', `not a Spatial Registration object (SOP Class ${sopClass || 'missing'})`, path);
  const registered = text(ds, 'FrameOfReferenceUID');
  if (!registered) throw new PipelineError('REG_INVALID', 'Frame of Reference UID is missing', path);
  const entries: RegistrationEntry[] = [];
  for (const [n, item] of seq(ds, 'RegistrationSequence').entries()) {
    const forUID = text(item, 'FrameOfReferenceUID');
    if (!forUID) throw new PipelineError('REG_INVALID', `Registration Sequence item ${n + 1} has no Frame of Reference UID`, path);
    const matrices = seq(item, 'MatrixRegistrationSequence').flatMap((m) => seq(m, 'MatrixSequence'));
    if (matrices.length === 0) throw new PipelineError('REG_INVALID', `Registration Sequence item ${n + 1} has no Matrix Sequence`, path);
    let total = identity4();
    for (const m of matrices) {
      const type = text(m, 'FrameOfReferenceTransformationMatrixType');
      if (type !== 'RIGID') throw new PipelineError('REG_UNSUPPORTED', `matrix type ${type || 'missing'} for ${forUID} is not supported (RIGID only)`, path);
      const raw = m.FrameOfReferenceTransformationMatrix;
      const values = (Array.isArray(raw) ? raw : [raw]).map(Number);
      if (values.length !== 16 || values.some((v) => !Number.isFinite(v))) {
        throw new PipelineError('REG_INVALID', `Frame of Reference Transformation Matrix for ${forUID} needs 16 numbers, has ${values.length}`, path);
      }
      const matrix = Float64Array.from(values);
      const err = rigidityError(matrix);
      if (err > RIGID_TOLERANCE) throw new PipelineError('REG_INVALID', `matrix for ${forUID} is labelled RIGID but is not a rotation plus translation (error ${err.toExponential(1)})`, path);
      total = multiply4(matrix, total); // items apply in order: later ones on the left
    }
    entries.push({ frameOfReferenceUID: forUID, toRegistered: total });
  }
  if (entries.length === 0) throw new PipelineError('REG_INVALID', 'Registration Sequence is empty', path);
  return { path, sopInstanceUID: text(ds, 'SOPInstanceUID'), frameOfReferenceUID: registered, entries, label: text(ds, 'ContentLabel') || text(ds, 'ContentDescription') || text(ds, 'SeriesDescription') };
}

/** Moving patient → fixed patient through a REG object, or null when it does not link both frames. */
export function registrationBetween(reg: SpatialRegistration, movingFoR: string, fixedFoR: string): Mat4 | null {
  const toRegistered = (uid: string): Mat4 | null => {
    const e = reg.entries.find((x) => x.frameOfReferenceUID === uid);
    if (e) return e.toRegistered;
    return uid === reg.frameOfReferenceUID ? identity4() : null;
  };
  const a = toRegistered(movingFoR), b = toRegistered(fixedFoR);
  return a && b ? multiply4(invert4(b), a) : null;
}

function oneLineOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
