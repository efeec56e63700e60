/**
 * The model's input tensor source: every channel the card lists, resampled from its own grid
 * straight onto the cropped grid at the card's spacing (one interpolation, not two), then
 * normalised per the card.
 */
import type { ModelCard } from '../inference/model-card.ts';
import { resampleToGrid, identity4, type Mat4, type TargetGrid, type Volume, type VoxelArray } from '../volume/index.ts';
import { applyMap, normalizeChannel, type NormalizationMap } from './channel.ts';
import { bodyBox, gridAtSpacing, type IndexBox } from './body-crop.ts';

/** One input channel: a loaded volume and its moving→planning-CT transform (identity in the same frame). */
export interface ChannelSource {
  readonly volume: Volume<VoxelArray>;
  readonly movingToFixed?: Mat4;
}

/** What {@link prepareModelInput} produces. */
export interface PreparedInput {
  /** The cropped grid at card.targetSpacing (in the planning CT's frame). */
  readonly grid: TargetGrid;
  /** The body box on the planning CT the grid covers. */
  readonly box: IndexBox;
  /** Normalised channels in card order, on `grid`. */
  readonly channels: Float32Array[];
  /** The normalised pad value per channel (for windows that leave the grid). */
  readonly padValues: number[];
  readonly maps: NormalizationMap[];
  readonly warnings: string[];
}

/**
 * Crop to the body on `planningCt`, resample each channel (card order) onto the crop at the
 * card's target spacing (linear; outside a channel's extent its card padValue), normalise.
 *
 * @param sources one per card input, in card order.
 */
export function prepareModelInput(planningCt: Volume<VoxelArray>, sources: readonly ChannelSource[], card: ModelCard, marginMm = 10): PreparedInput {
  if (sources.length !== card.inputs.length) throw new RangeError(`prepareModelInput: ${sources.length} channels for ${card.inputs.length} card inputs`);
  const warnings: string[] = [];
  let box = bodyBox(planningCt, -500, marginMm);
  if (!box) {
    warnings.push('no voxel above −500 HU on the planning CT: the whole field of view is segmented');
    box = { min: [0, 0, 0], max: [planningCt.size[0] - 1, planningCt.size[1] - 1, planningCt.size[2] - 1] };
  }
  const grid = gridAtSpacing(planningCt, box, card.targetSpacing);
  const channels: Float32Array[] = [], padValues: number[] = [], maps: NormalizationMap[] = [];
  sources.forEach((src, c) => {
    const input = card.inputs[c];
    const onGrid = resampleToGrid(src.volume, grid, src.movingToFixed ?? identity4(), { interpolation: 'linear', padValue: input.padValue });
    const data = onGrid.data instanceof Float32Array ? onGrid.data : Float32Array.from(onGrid.data);
    const map = normalizeChannel(data, input.normalization);
    if (map.warning) warnings.push(`${input.modality} (${input.label}): ${map.warning}`);
    channels.push(data);
    padValues.push(applyMap(map, input.padValue));
    maps.push(map);
  });
  return { grid, box, channels, padValues, maps, warnings };
}
