/**
 * Public API of rtstruct: write masks as a DICOM RT Structure Set, read one back, and
 * rasterise its ROIs onto the image grid they belong to.
 */
export type * from './types.ts';
export { writeRtstruct, type WriteRtstructInput, type WrittenRtstruct } from './writer.ts';
export { readRtstruct } from './reader.ts';
export { rasteriseRoi, gridOfSeries, findRoi, type RasterisedRoi } from './rasterise.ts';
export { formatDS } from './ds.ts';
export { newUID } from './uid.ts';
export { resolveSeries, type ResolvedSeries } from './resolve-series.ts';
export { rasteriseStructureSet, type LabelEntry, type LabelMap } from './labels.ts';
