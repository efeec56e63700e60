/**
 * Public API of contours: mask → closed planar polygons (holes, islands, simplification)
 * and back (even-odd filling).
 */
export { maskToContours, DEFAULT_TOLERANCE_PX, type ContourOptions, type PlanarContour } from './to-contours.ts';
export { fillContours, type RasterStats } from './to-mask.ts';
export { fillEvenOdd } from './fill.ts';
export { traceLoops, signedArea, type IndexLoop } from './marching-squares.ts';
export { simplifyLoop } from './simplify.ts';
