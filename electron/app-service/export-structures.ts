/**
 * Writing the reviewed structures as an RT Structure Set with the pipeline's writer. The
 * contract approves structures one by one; DICOM's Approval module covers the whole set, so
 * the set is APPROVED only when every exported structure is, by the latest reviewer.
 */
import { writeRtstruct, type Approval } from '../pipeline/rtstruct/index.ts';
import type { StageContext } from '../pipeline/stage.ts';
import type { ExportStructure, PipelineAdapter } from './pipeline-adapter.ts';

/** The writer's series description for research builds (it does not return it). */
export const RESEARCH_SERIES_DESCRIPTION = 'Delineo structures - research, not for clinical use';

/** Approval of a whole set from per-structure approvals (undefined: UNAPPROVED). */
export function setApproval(structures: readonly ExportStructure[]): Approval | undefined {
  if (structures.length === 0 || structures.some((s) => !s.approval)) return undefined;
  const latest = structures.map((s) => s.approval!).sort((a, b) => b.approvedAt.localeCompare(a.approvedAt))[0];
  return { status: 'APPROVED', reviewerName: latest.reviewer, reviewedAt: new Date(latest.approvedAt) };
}

/** Write the structures into `input.folder` (atomic, never overwriting). */
export async function exportStructureSet(
  input: Parameters<PipelineAdapter['exportRtstruct']>[0], ctx: StageContext = {},
): ReturnType<PipelineAdapter['exportRtstruct']> {
  const approval = setApproval(input.structures);
  const written = await writeRtstruct({
    study: input.study,
    series: input.planning,
    grid: input.planningVolume,
    structures: input.structures.map((s) => ({
      name: s.name, color: s.color, interpretedType: s.interpretedType, mask: s.mask, generation: s.generation,
      ...(s.model ? { model: s.model } : {}),
    })),
    ...(approval ? { approval } : {}),
    research: true,
  }, input.folder, ctx);
  return { path: written.path, sopInstanceUID: written.sopInstanceUID, seriesDescription: RESEARCH_SERIES_DESCRIPTION };
}
