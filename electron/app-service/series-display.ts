/**
 * Display facts about a loaded series: finite value range, window/level presets that suit the
 * modality, and the factor to SUVbw.
 */
import type { WindowPreset } from '../ipc/contract.ts';
import type { SeriesInfo } from '../pipeline/dicom/types.ts';
import type { Volume, VoxelArray } from '../pipeline/volume/volume.ts';

/** Finite minimum and maximum of the voxels ([0, 0] when there are none). */
export function valueRange(data: VoxelArray): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : [0, 0];
}

/** The value below which a fraction `q` of a sample of the voxels lies (a stride sample keeps it cheap). */
export function quantile(data: VoxelArray, q: number): number {
  const step = Math.max(1, Math.floor(data.length / 200_000));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) if (Number.isFinite(data[i])) sample.push(data[i]);
  if (sample.length === 0) return 0;
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))];
}

/** CT presets in HU (soft tissue, lung, bone, brain), SUV ranges for PET, a data-driven window for MR. */
export function windowPresets(volume: Volume<VoxelArray>): WindowPreset[] {
  if (volume.units === 'HU') {
    return [
      { name: 'Soft tissue', width: 400, center: 40 },
      { name: 'Lung', width: 1500, center: -600 },
      { name: 'Bone', width: 1800, center: 400 },
      { name: 'Brain', width: 80, center: 40 },
    ];
  }
  if (volume.units === 'SUVbw') {
    return [
      { name: 'SUV 0–5', width: 5, center: 2.5 },
      { name: 'SUV 0–10', width: 10, center: 5 },
      { name: 'SUV 0–20', width: 20, center: 10 },
    ];
  }
  const lo = quantile(volume.data, 0.01);
  const hi = quantile(volume.data, 0.99);
  const width = Math.max(hi - lo, 1e-6);
  return [{ name: 'Auto (1–99 %)', width, center: lo + width / 2 }];
}

/** Factor to SUVbw: 1 when the voxels already are SUVbw, the ingest factor for other PET, else null. */
export function suvScale(info: SeriesInfo, volume: Volume<VoxelArray>): number | null {
  if (volume.units === 'SUVbw') return 1;
  if (info.modality !== 'PT') return null;
  return info.suvbwFactor;
}
