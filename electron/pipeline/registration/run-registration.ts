/**
 * The registration stage's entry point: decide how the moving series maps onto the fixed one
 * (same frame → identity; a REG object linking the frames → its matrix; otherwise rigid Mattes
 * MI), do it off the main thread, and judge the result.
 */
import { PipelineError, oneLine } from '../errors.ts';
import { identity4, invert4, spacingOf, transformPoint, type Mat4 } from '../volume/geometry.ts';
import type { Volume, VoxelArray } from '../volume/volume.ts';
import type { StageContext } from '../stage.ts';
import { rigidMagnitude } from './euler.ts';
import { assessQuality } from './quality.ts';
import type { RigidImage } from './rigid-mi.ts';
import { runInWorker } from './run-in-worker.ts';
import { readSpatialRegistration, registrationBetween, type SpatialRegistration } from './spatial-registration.ts';
import type { RegistrationInput, RegistrationObjectRef, RegistrationResult } from './types.ts';

/** Register `input.moving` to `input.fixed`; see {@link RegistrationInput} for the choices. */
export async function runRegistration(input: RegistrationInput, ctx: StageContext = {}): Promise<RegistrationResult> {
  const started = performance.now();
  const { fixed, moving } = input;
  const choice = input.method ?? 'auto';
  const warnings: string[] = [];
  checkVolume(fixed, 'fixed');
  checkVolume(moving, 'moving');
  const sameFrame = fixed.frameOfReferenceUID !== '' && fixed.frameOfReferenceUID === moving.frameOfReferenceUID;
  if (!fixed.frameOfReferenceUID || !moving.frameOfReferenceUID) warnings.push('a series has no Frame of Reference UID: treated as a different frame');

  if (choice === 'identity' || (choice === 'auto' && sameFrame)) {
    if (!sameFrame) warnings.push('identity was asked for although the frames of reference differ: the series are assumed to be aligned');
    return finish('identity-same-FoR', identity4(), null);
  }

  if (choice === 'dicom-reg' || choice === 'auto') {
    const found = await findLinkingRegistration(input.registrations ?? [], moving.frameOfReferenceUID, fixed.frameOfReferenceUID, warnings);
    if (found) {
      if (choice === 'auto') {
        // Describe it as a user sees it: the rotation, and how far it moves the centre of the fixed volume.
        const c = transformPoint(fixed.affine, fixed.size.map((n) => (n - 1) / 2));
        const moved = transformPoint(invert4(found.matrix), c);
        const mm = Math.hypot(moved[0] - c[0], moved[1] - c[1], moved[2] - c[2]);
        warnings.push(`used the spatial registration object ${found.reg.sopInstanceUID} (${rigidMagnitude(found.matrix).degrees.toFixed(1)}°, ${mm.toFixed(1)} mm at the centre of the fixed series); ask for method rigid-mi to optimise instead`);
      }
      return finish('dicom-reg', found.matrix, found.reg);
    }
    if (choice === 'dicom-reg') {
      throw new PipelineError('REG_NOT_FOUND', `no spatial registration object links frame ${moving.frameOfReferenceUID || '(none)'} to ${fixed.frameOfReferenceUID || '(none)'}`);
    }
  }

  ctx.onProgress?.({ stage: 'register', done: 0, total: 1, message: 'rigid mutual-information registration' });
  const reply = await runInWorker({ kind: 'register', fixed: asRigidImage(fixed), moving: asRigidImage(moving), options: input.options ?? {} }, ctx);
  if (reply.type !== 'registered') throw new PipelineError('REGISTRATION_FAILED', 'registration worker answered the wrong request');
  const r = reply.result;
  const quality = assessQuality({ nmi: r.nmi, overlap: r.overlap, residualMm: r.residualMm, converged: r.converged, movingVoxelMm: Math.max(...spacingOf(moving.affine)) });
  return result('rigid-mi', Float64Array.from(r.movingToFixed), r.mi, quality, null);

  async function finish(method: RegistrationResult['method'], movingToFixed: Mat4, reg: SpatialRegistration | null): Promise<RegistrationResult> {
    const reply = await runInWorker({ kind: 'evaluate', fixed: asRigidImage(fixed), moving: asRigidImage(moving), fixedToMoving: Array.from(invert4(movingToFixed)), options: input.options ?? {} }, ctx);
    if (reply.type !== 'evaluated') throw new PipelineError('REGISTRATION_FAILED', 'registration worker answered the wrong request');
    const e = reply.result;
    return result(method, movingToFixed, e.mi, assessQuality({ nmi: e.nmi, overlap: e.overlap, residualMm: e.residualMm, given: true, movingVoxelMm: Math.max(...spacingOf(moving.affine)) }), reg);
  }

  function result(method: RegistrationResult['method'], m: Mat4, metric: number, quality: RegistrationResult['quality'], reg: SpatialRegistration | null): RegistrationResult {
    return {
      method,
      matrix: [0, 1, 2, 3].map((r) => Array.from(m.subarray(r * 4, r * 4 + 4))),
      metric,
      seconds: (performance.now() - started) / 1000,
      warnings,
      quality,
      registrationObject: reg ? { path: reg.path, sopInstanceUID: reg.sopInstanceUID, label: reg.label } : null,
    };
  }
}

/**
 * The first REG object that links both frames (what the app offers the user before
 * registering); unreadable ones become warnings.
 */
export async function findLinkingRegistration(
  refs: readonly RegistrationObjectRef[],
  movingFoR: string,
  fixedFoR: string,
  warnings: string[],
): Promise<{ reg: SpatialRegistration; matrix: Mat4 } | null> {
  for (const ref of refs) {
    try {
      const reg = await readSpatialRegistration(ref.path);
      const matrix = registrationBetween(reg, movingFoR, fixedFoR);
      if (matrix) return { reg, matrix };
    } catch (e) {
      warnings.push(`${oneLine(e)} (registration object skipped)`);
    }
  }
  return null;
}

/** A matrix given as 4 rows back as the pipeline's row-major Mat4. */
export function matrixFromRows(rows: readonly (readonly number[])[]): Mat4 {
  return Float64Array.from(rows.flat());
}

function asRigidImage(v: Volume<VoxelArray>): RigidImage {
  return { data: v.data, size: v.size, affine: v.affine, isCT: v.units === 'HU' || v.modality === 'CT' };
}

function checkVolume(v: Volume<VoxelArray>, role: string): void {
  const n = v.size[0] * v.size[1] * v.size[2];
  if (!(n > 0) || v.data.length !== n) throw new PipelineError('REGISTRATION_INPUT', `the ${role} series has ${v.data.length} voxels for a ${v.size.join('×')} grid`);
  if (v.size.some((s) => s < 2)) throw new PipelineError('REGISTRATION_INPUT', `the ${role} series is ${v.size.join('×')}: registration needs a 3-D volume (at least 2 voxels along each axis)`);
}
