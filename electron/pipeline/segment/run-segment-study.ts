/**
 * One study from files to a reviewed-ready GTV: load → register → crop, resample, normalise →
 * sliding-window inference → mask on the planning grid → (contours, RTSTRUCT, NIfTI, report).
 * The single entry point the CLI (`delineo segment`) and the app (`segment:run`) share.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from '../errors.ts';
import {
  BONE_HU, combineOutputs, holesHoldingBone, InferenceHost, openModel, readModelCard, removeSmallComponents, slidingWindowPredict, thresholdMask,
  type LoadedModelCard, type ModelSession,
} from '../inference/index.ts';
import { prepareModelInput, type ChannelSource } from '../normalize/index.ts';
import { matrixFromRows, runRegistration } from '../registration/index.ts';
import type { StageContext } from '../stage.ts';
import { fillHolesPerSlice, identity4, resampleToGrid, volumeLike, type MaskVolume, type Volume, type VoxelArray } from '../volume/index.ts';
import { chooseModelCard, SHIPPED_MODELS_DIR } from './choose-model.ts';
import { compareWithExperts } from './expert.ts';
import { checkOutputsFree, writeOutputs } from './outputs.ts';
import { availableModalities, scanStudy, selectInputs, type ScannedStudy, type SelectedInput } from './select-inputs.ts';
import type { ExpertComparison, SegmentStudyInput, SegmentStudyResult, SegmentTimings } from './types.ts';
import { voxelMl } from './volume-ml.ts';

/**
 * Segment one study. Progress is reported per stage ('load', 'register', 'infer', 'contour',
 * 'export'); ctx.signal cancels between and inside stages (a running batch is stopped by
 * stopping the inference process).
 *
 * @throws PipelineError with a one-line message naming the file concerned.
 */
export async function runSegmentStudy(input: SegmentStudyInput, ctx: StageContext = {}): Promise<SegmentStudyResult> {
  const t0 = performance.now();
  const mark: Record<string, number> = {};
  let last = t0;
  const lap = (stage: keyof SegmentTimings) => {
    const now = performance.now();
    mark[stage] = (mark[stage] ?? 0) + (now - last) / 1000;
    last = now;
  };
  const warnings: string[] = [];
  if (input.outDir) await checkOutputsFree(input.outDir);

  // ── load: the model card, the study, the model session, the images it asks for
  ctx.onProgress?.({ stage: 'load', done: 0, total: 1, message: 'scanning' });
  // An explicit card is read before the study is scanned: a wrong path fails in milliseconds.
  const explicitCard = input.modelCard ? await readModelCard(input.modelCard) : null;
  const study = await scanStudy(input.paths, warnings, ctx);
  const named = input.inputs ?? {};
  if (!study && Object.keys(named).length === 0) throw new PipelineError('INVALID_ARGUMENT', 'nothing to segment: give DICOM paths or --input <modality>=<path>');
  const loaded: LoadedModelCard = explicitCard ?? await chooseModelCard(input.modelsDir ?? SHIPPED_MODELS_DIR, availableModalities(study, named), warnings);
  const { card } = loaded;
  const host = input.host ?? new InferenceHost();
  let session: ModelSession;
  let inferred: Awaited<ReturnType<typeof inferOnPlanningGrid>>;
  let planning: SelectedInput;
  let registrations: SegmentStudyResult['registrations'];
  try {
    // The session opens before the images load, so an absent GPU or a bad model fails fast.
    session = await openModel(loaded, { host, device: input.device ?? 'auto', threads: input.threads, signal: ctx.signal });
    for (const f of session.fallbacks) warnings.push(`execution provider skipped: ${f}; running on ${session.provider}`);
    const selected = await selectInputs(card, study, named, warnings, ctx);
    const planningIndex = Math.max(0, card.inputs.findIndex((i) => i.modality === 'CT'));
    planning = selected[planningIndex];
    ctx.onProgress?.({ stage: 'load', done: 1, total: 1, message: `${card.name} ${card.version}: ${card.inputs.map((i) => i.label).join(' + ')}` });
    lap('load');

    // ── register: each secondary onto the planning image
    const registered = await registerInputs(selected, planningIndex, study, warnings, ctx);
    registrations = registered.registrations;
    lap('register');

    // ── infer: crop, resample, normalise, sliding window, back to the planning grid
    inferred = await inferOnPlanningGrid(planning.volume, registered.sources, session, warnings, ctx);
  } finally {
    if (!input.host) host.dispose();
  }
  lap('infer');

  const structures = [{ name: card.structure.name, voxels: inferred.voxels, volumeMl: round(inferred.voxels * voxelMl(planning.volume.affine), 3) }];
  if (inferred.voxels === 0) warnings.push(`the model found no ${card.structure.name} above probability ${card.threshold}`);
  let comparison: ExpertComparison[] = [];
  if (study && planning.series && input.compareWithExpert !== false) {
    comparison = await compareWithExperts(study.study, planning.volume, inferred.mask, warnings);
    lap('compare');
  }

  // ── contour + export (contours are traced by the RTSTRUCT writer; without --out the
  // caller gets masks, and contouring waits until the reviewed structure is exported)
  let outputs: SegmentStudyResult['outputs'] = null;
  const partial = { card: loaded, planning, study, inferred, structures, comparison, device: session.provider, registrations, warnings };
  if (input.outDir) {
    await mkdir(input.outDir, { recursive: true });
    outputs = await writeOutputs(path.resolve(input.outDir), partial, () => { lap('contour'); }, () => ({ ...timingsFrom(mark, t0) }), ctx);
    lap('export');
  }

  return {
    mask: inferred.mask,
    probability: inferred.probability,
    uncertainty: inferred.uncertainty,
    planning: planning.volume,
    model: { name: card.name, version: card.version, card: loaded.cardPath },
    device: session.provider,
    timings: timingsFrom(mark, t0),
    structures,
    comparison,
    registrations,
    warnings,
    outputs,
  };
}

function timingsFrom(mark: Record<string, number>, t0: number): SegmentTimings {
  const r = (k: string) => round(mark[k] ?? 0, 3);
  return { load: r('load'), register: r('register'), infer: r('infer'), contour: r('contour'), export: r('export'), compare: r('compare'), total: round((performance.now() - t0) / 1000, 3) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Moving→planning transforms for every input (identity for the planning image itself). */
async function registerInputs(selected: readonly SelectedInput[], planningIndex: number, study: ScannedStudy | null, warnings: string[], ctx: StageContext) {
  const fixed = selected[planningIndex].volume;
  const sources: ChannelSource[] = [];
  const registrations: SegmentStudyResult['registrations'][number][] = [];
  const others = selected.length - 1;
  let done = 0;
  ctx.onProgress?.({ stage: 'register', done, total: Math.max(1, others) });
  for (const [c, s] of selected.entries()) {
    if (c === planningIndex) {
      sources.push({ volume: s.volume, movingToFixed: identity4() });
      continue;
    }
    // NIfTI inputs carry no frame of reference: given together, they share world space.
    if (!s.volume.frameOfReferenceUID || !fixed.frameOfReferenceUID) {
      sources.push({ volume: s.volume, movingToFixed: identity4() });
      registrations.push({ modality: s.volume.modality, method: 'identity-nifti', ok: true, reason: 'NIfTI input: taken to share the planning image\'s world space' });
    } else {
      const reg = await runRegistration({ fixed, moving: s.volume, registrations: study?.study.registrations ?? [] }, { signal: ctx.signal });
      warnings.push(...reg.warnings.map((w) => `registration ${s.volume.modality}: ${w}`));
      if (!reg.quality.ok) warnings.push(`registration ${s.volume.modality}: doubtful alignment (${reg.quality.reason}); review the fusion before trusting the contour`);
      registrations.push({ modality: s.volume.modality, method: reg.method, ok: reg.quality.ok, reason: reg.quality.reason });
      sources.push({ volume: s.volume, movingToFixed: matrixFromRows(reg.matrix) });
    }
    ctx.onProgress?.({ stage: 'register', done: ++done, total: Math.max(1, others), message: s.volume.modality });
  }
  return { sources, registrations };
}

/**
 * Model input on the cropped grid → probabilities → back onto the planning grid. The
 * probability (not the mask) is resampled, linearly, and thresholded on the planning grid:
 * the boundary then falls between planning voxels where the interpolated probability crosses
 * the threshold, instead of the staircase a nearest-neighbour copy of a coarse mask leaves.
 * Islands are removed last, on the grid the contours are drawn on, so minComponentMl means
 * the same physical size whatever the model's spacing.
 */
async function inferOnPlanningGrid(planning: Volume<VoxelArray>, sources: readonly ChannelSource[], session: ModelSession, warnings: string[], ctx: StageContext) {
  const { card } = session;
  const prepared = prepareModelInput(planning, sources, card);
  warnings.push(...prepared.warnings);
  const outputs = await slidingWindowPredict(
    { channels: prepared.channels, size: prepared.grid.size, padValues: prepared.padValues },
    { patchSize: card.patchSize, batchSize: session.batchSize, predict: session.predict },
    card.overlap,
    ctx,
  );
  const combined = combineOutputs(card, outputs);
  const onCrop = (data: Float32Array): Volume => ({
    data, size: prepared.grid.size, affine: prepared.grid.affine, frameOfReferenceUID: planning.frameOfReferenceUID,
    modality: 'SEG', units: 'probability', sopInstanceUIDs: [], seriesInstanceUID: '',
  });
  const back = (data: Float32Array) => volumeLike(planning, resampleToGrid(onCrop(data), planning, identity4(), { interpolation: 'linear', padValue: 0 }).data as Float32Array, { units: 'probability', modality: 'SEG' });
  const probability = back(combined.probability);
  const disagreement = combined.disagreement ? back(combined.disagreement) : null;
  const uncertainty = disagreement ? volumeLike(disagreement, disagreement.data, { modality: 'UNCERTAINTY' }) : null;
  const maskData = thresholdMask(probability.data, card.threshold);
  const minVoxels = Math.ceil(card.minComponentMl / voxelMl(planning.affine));
  const islands = removeSmallComponents(maskData, planning.size, minVoxels);
  if (islands.removed.length) warnings.push(`removed ${islands.removed.length} island(s) smaller than ${card.minComponentMl} ml (${islands.removed.reduce((a, b) => a + b, 0)} voxels)`);
  // Holes after islands, in the order native-models' evaluation (to_mask) applies the card.
  let filled = 0;
  if (card.fillHoles) {
    const boneHoles = { count: 0 };
    filled = fillHolesPerSlice(maskData, planning.size, planning.units === 'HU' ? holesHoldingBone(planning.data, boneHoles) : undefined);
    if (filled) warnings.push(`filled ${round(filled * voxelMl(planning.affine), 2)} ml of holes enclosed within slices (${filled} voxels; the card asks for solid contours)`);
    if (boneHoles.count) warnings.push(`left ${boneHoles.count} enclosed hole(s) open where the CT shows bone (≥ ${BONE_HU} HU): check whether the tumour invades it`);
  }
  const mask: MaskVolume = volumeLike(planning, maskData, { modality: 'SEG', units: 'label' });
  const voxels = islands.kept.reduce((a, b) => a + b, 0) + filled;
  return { mask, probability, uncertainty, voxels, crop: prepared.grid };
}
