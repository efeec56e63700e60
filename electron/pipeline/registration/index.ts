/**
 * Public API of registration: align a secondary series to the planning CT (identity within a
 * frame of reference, a DICOM REG object, or rigid Mattes mutual information off the main
 * thread) and read Spatial Registration objects. Other stages import from here only.
 */
export type * from './types.ts';
export { runRegistration, matrixFromRows, findLinkingRegistration } from './run-registration.ts';
export { readSpatialRegistration, registrationBetween, SPATIAL_REGISTRATION_CLASS, type SpatialRegistration, type RegistrationEntry } from './spatial-registration.ts';
export { assessQuality, MIN_NMI, MIN_OVERLAP, MAX_RESIDUAL_MM } from './quality.ts';
export { DEFAULT_RIGID_MI_OPTIONS, type RigidMiOptions } from './rigid-mi.ts';
