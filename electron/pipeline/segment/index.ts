/**
 * Public API of segmentation of one study: the `runSegmentStudy` entry point the CLI and the
 * app share, its report, and the overlap metrics.
 */
export type * from './types.ts';
export { runSegmentStudy } from './run-segment-study.ts';
export { segmentReport } from './outputs.ts';
export { chooseModelCard, SHIPPED_MODELS_DIR } from './choose-model.ts';
export { dice, hd95 } from './metrics.ts';
