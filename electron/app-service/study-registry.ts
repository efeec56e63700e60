/**
 * Studies the user opened, by id: the ingest result (StudyInfo) plus the paths it came from,
 * and the summary the study browser shows.
 */
import { randomUUID } from 'node:crypto';
import type { SeriesSummary, StudySummary, Triple } from '../ipc/contract.ts';
import type { SeriesInfo, StudyInfo } from '../pipeline/dicom/types.ts';

/** A study held by the service. */
export interface OpenStudy {
  readonly studyId: string;
  readonly info: StudyInfo;
  /** The files/folders the user opened (a journal re-opens them on restore). */
  readonly paths: readonly string[];
  readonly summary: StudySummary;
}

/** Key of a series within a study: its UID, plus '#stackId' when ingest split it into stacks. */
export function seriesKeyOf(series: SeriesInfo): string {
  return series.stackId ? `${series.seriesInstanceUID}#${series.stackId}` : series.seriesInstanceUID;
}

/** The planning CT: the CT series with the most slices (ties: the first found). */
export function planningSeries(info: StudyInfo): SeriesInfo | null {
  let best: SeriesInfo | null = null;
  for (const s of info.series) {
    if (s.modality === 'CT' && (!best || s.size[2] > best.size[2])) best = s;
  }
  return best;
}

function seriesSummary(s: SeriesInfo): SeriesSummary {
  return {
    seriesKey: seriesKeyOf(s),
    seriesInstanceUID: s.seriesInstanceUID,
    modality: s.modality,
    description: s.description,
    date: s.seriesDate,
    slices: s.size[2],
    size: [s.size[0], s.size[1], s.size[2]] as Triple,
    spacing: [s.spacing[0], s.spacing[1], s.spacing[2]] as Triple,
    frameOfReferenceUID: s.frameOfReferenceUID,
    units: s.units,
    warnings: [...s.warnings],
  };
}

/** The study browser's view of an ingested study. */
export function studySummary(studyId: string, info: StudyInfo): StudySummary {
  const planning = planningSeries(info);
  return {
    studyId,
    studyInstanceUID: info.studyInstanceUID,
    patientName: info.patient.patientName,
    patientID: info.patient.patientID,
    studyDate: info.header.studyDate,
    description: info.header.studyDescription,
    series: info.series.map(seriesSummary),
    structureSets: info.structureSets.map((s) => ({ ...s })),
    planningSeriesKey: planning ? seriesKeyOf(planning) : null,
  };
}

/** Open studies by id. */
export class StudyRegistry {
  readonly #studies = new Map<string, OpenStudy>();

  /** Register an ingested study and return it with its new id. */
  add(info: StudyInfo, paths: readonly string[]): OpenStudy {
    const studyId = randomUUID();
    const study: OpenStudy = { studyId, info, paths: [...paths], summary: studySummary(studyId, info) };
    this.#studies.set(studyId, study);
    return study;
  }

  get(studyId: string): OpenStudy | undefined {
    return this.#studies.get(studyId);
  }

  /** The series of a study with this key, or undefined. */
  series(studyId: string, seriesKey: string): SeriesInfo | undefined {
    return this.#studies.get(studyId)?.info.series.find((s) => seriesKeyOf(s) === seriesKey);
  }

  delete(studyId: string): boolean {
    return this.#studies.delete(studyId);
  }

  all(): readonly OpenStudy[] {
    return [...this.#studies.values()];
  }
}
