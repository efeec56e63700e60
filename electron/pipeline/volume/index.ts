export * from './volume.ts';
export * from './geometry.ts';
export * from './resample.ts';
export * from './nifti.ts';
export * from './fill-holes.ts';
