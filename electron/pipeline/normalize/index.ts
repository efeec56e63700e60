/**
 * Public API of normalisation: body crop, resampling to the model's spacing and intensity
 * normalisation driven by the model card.
 */
export { applyMap, normalizationMap, normalizeChannel, percentile, type NormalizationMap } from './channel.ts';
export { bodyBox, gridAtSpacing, type IndexBox } from './body-crop.ts';
export { prepareModelInput, type ChannelSource, type PreparedInput } from './prepare-input.ts';
