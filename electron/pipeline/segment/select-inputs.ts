/**
 * Which images feed the model: the planning CT (the CT with most slices) and, for each other
 * card input, the series of that modality that best matches — or what the user named with
 * `--input <label|modality>=<path>` (a NIfTI file or a DICOM folder) when the files cannot
 * tell series apart.
 */
import { allSeries, loadSeries, scanPaths, type SeriesInfo, type StudyInfo } from '../dicom/index.ts';
import { PipelineError } from '../errors.ts';
import type { ModelCard } from '../inference/index.ts';
import type { StageContext } from '../stage.ts';
import { readNifti, type Volume, type VoxelArray } from '../volume/index.ts';

/** A loaded input image and where it came from. */
export interface SelectedInput {
  readonly volume: Volume<VoxelArray>;
  /** The DICOM series, when it came from DICOM. */
  readonly series: SeriesInfo | null;
  /** File or folder it came from, for messages. */
  readonly source: string;
}

/** The scanned study (DICOM input) or null when everything came as NIfTI/volumes. */
export interface ScannedStudy {
  readonly study: StudyInfo;
  readonly series: readonly SeriesInfo[];
}

/** Scan DICOM paths and return the single study they hold (null when `paths` is empty). */
export async function scanStudy(paths: readonly string[], warnings: string[], ctx: StageContext): Promise<ScannedStudy | null> {
  if (paths.length === 0) return null;
  const result = await scanPaths(paths, ctx);
  for (const e of result.errors.slice(0, 5)) warnings.push(`${e.path}: ${e.message}`);
  if (result.errors.length > 5) warnings.push(`… and ${result.errors.length - 5} more unreadable files`);
  const withImages = result.studies.filter((s) => s.series.length > 0);
  if (withImages.length === 0) throw new PipelineError('NO_IMAGES', 'no DICOM images found', paths.join(', '));
  if (withImages.length > 1) {
    throw new PipelineError('INVALID_ARGUMENT', `${withImages.length} studies found (${withImages.map((s) => s.patient.patientID || s.studyInstanceUID).join(', ')}): give the files of one study`, paths.join(', '));
  }
  return { study: withImages[0], series: allSeries({ studies: withImages, errors: [] }) };
}

/** Modality → number of series available (for choosing a model). */
export function availableModalities(study: ScannedStudy | null, named: Readonly<Record<string, unknown>>): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of study?.series ?? []) m.set(s.modality, (m.get(s.modality) ?? 0) + 1);
  for (const key of Object.keys(named)) {
    const mod = key.toUpperCase() === 'PET' ? 'PT' : key.toUpperCase();
    if (['CT', 'PT', 'MR'].includes(mod)) m.set(mod, Math.max(m.get(mod) ?? 0, 1));
  }
  return m;
}

/**
 * Load one image per card input, in card order.
 *
 * @param named label or modality (case-insensitive; 'PET' = 'PT') → NIfTI file or DICOM folder;
 *   a Volume may be given directly (the app, tests).
 */
export async function selectInputs(
  card: ModelCard,
  study: ScannedStudy | null,
  named: Readonly<Record<string, string | Volume<VoxelArray>>>,
  warnings: string[],
  ctx: StageContext,
): Promise<SelectedInput[]> {
  const used = new Set<SeriesInfo>();
  const namedKeys = new Map(Object.entries(named).map(([k, v]) => [k.toLowerCase() === 'pet' ? 'pt' : k.toLowerCase(), v]));
  const claimed = new Set<string>();
  const out: SelectedInput[] = [];
  let planning: SeriesInfo | null = null;
  for (const input of card.inputs) {
    ctx.signal?.throwIfAborted();
    const key = [input.label.toLowerCase(), input.modality.toLowerCase()].find((k) => namedKeys.has(k) && !claimed.has(k));
    if (key) {
      claimed.add(key);
      out.push(await loadNamed(namedKeys.get(key)!, input.modality, warnings, ctx));
      continue;
    }
    const candidates = (study?.series ?? []).filter((s) => s.modality === input.modality && !used.has(s) && !s.refusal);
    if (candidates.length === 0) {
      throw new PipelineError('MISSING_INPUT', `the model '${card.name}' needs a ${input.modality} (${input.label}) series and the study has none; add one or pass --input ${input.label}=<path>`);
    }
    // The planning CT has most slices; other series prefer its frame of reference (no registration), then most slices.
    const sameFrame = (s: SeriesInfo) => (planning && s.frameOfReferenceUID === planning.frameOfReferenceUID ? 1 : 0);
    candidates.sort((a, b) => sameFrame(b) - sameFrame(a) || b.size[2] - a.size[2]);
    const chosen = candidates[0];
    if (candidates.length > 1) {
      warnings.push(`${input.modality} (${input.label}): chose '${chosen.description || chosen.seriesInstanceUID}' (${chosen.size[2]} slices) of ${candidates.length} series; pass --input ${input.label}=<path> to choose`);
    }
    used.add(chosen);
    if (input.modality === 'CT' && !planning) planning = chosen;
    const loaded = await loadSeries(chosen, ctx);
    warnings.push(...loaded.warnings.map((w) => `${input.modality}: ${w}`));
    out.push({ volume: loaded.volume, series: chosen, source: chosen.instances[0]?.path ?? chosen.seriesInstanceUID });
  }
  return out;
}

async function loadNamed(what: string | Volume<VoxelArray>, modality: string, warnings: string[], ctx: StageContext): Promise<SelectedInput> {
  if (typeof what !== 'string') return { volume: what, series: null, source: `(${modality} volume)` };
  if (/\.nii(\.gz)?$/i.test(what)) {
    const v = await readNifti(what);
    // NIfTI has no modality or frame of reference: it takes the card's modality, and it is
    // taken to share the planning image's world space (NIfTI files given together do).
    // Its values are taken as the card's units (HU for CT, SUVbw for PET): NIfTI cannot say.
    const units = modality === 'CT' ? 'HU' : modality === 'PT' ? 'SUVbw' : v.units;
    if (units !== v.units && v.units !== 'raw') warnings.push(`${what}: stored as ${v.units}, read as ${units} for the ${modality} input`);
    else if (modality === 'PT') warnings.push(`${what}: PET NIfTI values taken to be SUVbw`);
    return { volume: { ...v, modality, units }, series: null, source: what };
  }
  const scanned = await scanPaths([what], ctx);
  const series = allSeries(scanned).filter((s) => s.modality === modality && !s.refusal);
  if (series.length !== 1) {
    throw new PipelineError('INVALID_ARGUMENT', `expected one ${modality} series, found ${series.length}`, what);
  }
  const loaded = await loadSeries(series[0], ctx);
  warnings.push(...loaded.warnings.map((w) => `${modality}: ${w}`));
  return { volume: loaded.volume, series: series[0], source: what };
}
