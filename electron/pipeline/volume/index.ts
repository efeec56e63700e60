export * from './volume.ts';
export * from './geometry.ts';
