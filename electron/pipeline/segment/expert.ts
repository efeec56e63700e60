/**
 * Expert structures found in the study, rasterised onto the planning grid and compared with
 * the model's mask (Dice, HD95), so a reviewer sees at once how far to trust the proposal.
 */
import type { StudyInfo } from '../dicom/index.ts';
import { oneLine } from '../errors.ts';
import { readRtstruct, rasteriseRoi, type ImageGrid, type Roi } from '../rtstruct/index.ts';
import { voxelCount, type MaskVolume } from '../volume/index.ts';
import { dice, hd95 } from './metrics.ts';
import type { ExpertComparison } from './types.ts';
import { voxelMl } from './volume-ml.ts';

/**
 * Compare `mask` with every ROI of every structure set in `study` that shares the planning
 * grid's frame of reference. Contours are placed by their position, not their image
 * references: an expert may have drawn on the PET or MR of the same frame, and rasterising
 * the polygons directly at CT resolution is more faithful than resampling a coarse PET mask.
 */
export async function compareWithExperts(study: StudyInfo, grid: ImageGrid, mask: MaskVolume, warnings: string[]): Promise<ExpertComparison[]> {
  const out: ExpertComparison[] = [];
  for (const ref of study.structureSets) {
    try {
      const set = await readRtstruct(ref.path);
      for (const roi of set.rois) {
        const frame = roi.frameOfReferenceUID || set.frameOfReferenceUID;
        if (frame && frame !== grid.frameOfReferenceUID) {
          warnings.push(`expert ROI '${roi.name}' (${ref.path}) is in another frame of reference: not compared`);
          continue;
        }
        const placed: Roi = { ...roi, contours: roi.contours.map((c) => ({ ...c, referencedSOPInstanceUIDs: [] })) };
        const { mask: expert } = rasteriseRoi(set, placed, grid);
        let n = 0;
        for (let v = 0; v < voxelCount(grid.size); v++) n += expert.data[v];
        if (n === 0) continue;
        out.push({
          structure: roi.name,
          file: ref.path,
          dice: dice(mask.data, expert.data),
          hd95Mm: hd95(mask.data, expert.data, grid.size, grid.affine),
          expertVolumeMl: n * voxelMl(grid.affine),
        });
      }
    } catch (e) {
      warnings.push(`expert structure set not compared: ${oneLine(e)}`);
    }
  }
  return out;
}
