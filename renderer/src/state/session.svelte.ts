/**
 * The app's state and the flows that change it: open a study (drop, Open, demo), load the
 * planning CT and a fusion series, import the expert contours, run the model, edit, approve,
 * export, and restore a journal. Components read these runes and call these methods; they
 * never talk to the API themselves.
 */
import type {
  AppInfo, ImageHandle, JobProgress, JobState, JournalEntry, SegmentResult, StructureSummary, StudySummary, VolumeHandle,
} from '../../../electron/ipc/contract.ts';
import { ApiFailure, progressToken, type ApiClient, type Voxels } from '../api/client.ts';
import { dice } from '../tools/mask-grid.ts';
import { StructureView } from './structures.svelte.ts';
import type { ColormapName } from '../viewport/colormaps.ts';

/** A loaded image: its handle and voxels. */
export interface LoadedImage {
  readonly handle: ImageHandle;
  readonly values: Voxels;
}

/** Model vs expert agreement shown side by side. */
export interface ComparisonRow {
  readonly model: string;
  readonly expert: string;
  readonly dice: number;
  readonly hd95Mm: number | null;
}

/** Times (ms since the drop) for the figures the e2e run prints. */
export interface Milestones {
  dropAt: number;
  firstImageMs: number | null;
  contoursMs: number | null;
  modelMs: number | null;
}

/** Plain words for an error, with the file concerned. */
export function describeError(e: unknown): string {
  if (e instanceof ApiFailure) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** The whole renderer state. */
export class Session {
  readonly api: ApiClient;
  info = $state.raw<AppInfo | null>(null);
  phase = $state<'start' | 'opening' | 'choose-study' | 'review'>('start');
  studies = $state.raw<readonly StudySummary[]>([]);
  study = $state.raw<StudySummary | null>(null);
  openProblems = $state.raw<readonly { path: string; message: string }[]>([]);
  progress = $state.raw<JobProgress | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  planning = $state.raw<LoadedImage | null>(null);
  fusion = $state.raw<LoadedImage | null>(null);
  fusionKey = $state<string | null>(null);
  fusionOpacity = $state(0.5);
  colormap = $state<ColormapName>('hot');
  structures = $state.raw<readonly StructureView[]>([]);
  activeId = $state<string | null>(null);
  uncertainty = $state.raw<{ handle: VolumeHandle; values: Float32Array } | null>(null);
  showUncertainty = $state(false);
  segment = $state<{ state: 'idle' | 'running' | 'done' | 'failed' | 'unavailable'; message: string }>({ state: 'idle', message: '' });
  modelResult = $state.raw<SegmentResult | null>(null);
  reviewerName = $state('');
  journals = $state.raw<readonly JournalEntry[]>([]);
  lastExport = $state.raw<{ path: string; structureCount: number; seriesDescription: string } | null>(null);
  milestones = $state<Milestones>({ dropAt: 0, firstImageMs: null, contoursMs: null, modelMs: null });
  #jobId: string | null = null;
  readonly #endedEarly = new Map<string, JobState>();
  #openToken: string | null = null;

  constructor(api: ApiClient) {
    this.api = api;
    api.on('job:progress', (p) => {
      if (p.jobId === this.#openToken || p.jobId === this.#jobId) this.progress = p;
    });
    api.on('job:done', (s) => {
      // A job that fails fast can end before segment:run's answer arrives: keep it for then.
      if (s.jobId !== this.#jobId) this.#endedEarly.set(s.jobId, s);
      else this.#jobEnded(s);
    });
    api.on('app:notice', (n) => {
      if (n.level === 'error') this.error = n.message;
      else this.notice = n.message;
    });
    api.on('inference:status', (s) => {
      if (s.state === 'crashed') this.segment = { state: 'failed', message: s.message };
    });
  }

  /** Load app facts, settings and journals to offer. */
  async init(): Promise<void> {
    try {
      this.info = await this.api.call('app:info', {});
      this.reviewerName = (await this.api.call('settings:get', {})).reviewerName;
      this.journals = (await this.api.call('journal:list', {})).entries;
    } catch (e) {
      this.error = describeError(e);
    }
  }

  get active(): StructureView | null {
    return this.structures.find((s) => s.id === this.activeId) ?? null;
  }

  /** Open files/folders (from a drop, the Open dialog or the demo). */
  async open(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.closeStudy();
    this.milestones = { dropAt: performance.now(), firstImageMs: null, contoursMs: null, modelMs: null };
    this.error = null;
    this.phase = 'opening';
    this.#openToken = progressToken();
    try {
      const r = await this.api.call('study:open', { paths, progressToken: this.#openToken });
      this.openProblems = r.errors;
      this.studies = r.studies.filter((s) => s.planningSeriesKey);
      if (this.studies.length === 0) {
        this.phase = 'start';
        this.error = r.studies.length
          ? 'No CT series found: Delineo contours on a planning CT.'
          : `No DICOM images could be read${r.errors[0] ? `: ${r.errors[0].path}: ${r.errors[0].message}` : '.'}`;
        return;
      }
      if (this.studies.length === 1) await this.selectStudy(this.studies[0]);
      else this.phase = 'choose-study';
    } catch (e) {
      this.phase = 'start';
      this.error = describeError(e);
    } finally {
      this.progress = null;
    }
  }

  /** Open the bundled demo study. */
  openDemo(): Promise<void> {
    return this.open(this.info?.demo?.paths ?? []);
  }

  /** Ask the native dialog for paths, then open them. */
  async openDialog(): Promise<void> {
    try {
      await this.open((await this.api.call('dialog:open-study', {})).paths);
    } catch (e) {
      this.error = describeError(e);
    }
  }

  /** Show a study: the planning CT first (the user sees an image as soon as possible), then contours. */
  async selectStudy(study: StudySummary): Promise<void> {
    this.study = study;
    this.phase = 'opening';
    this.#openToken = progressToken();
    try {
      const handle = await this.api.call('study:load-series', { studyId: study.studyId, seriesKey: study.planningSeriesKey!, progressToken: this.#openToken });
      this.planning = { handle, values: await this.api.voxels(handle) };
      this.phase = 'review';
      this.milestones.firstImageMs = performance.now() - this.milestones.dropAt;
      const pet = study.series.find((s) => s.modality === 'PT') ?? study.series.find((s) => s.modality === 'MR');
      if (pet) void this.setFusion(pet.seriesKey);
      await this.importExpert();
      void this.runModel();
    } catch (e) {
      this.error = describeError(e);
      if (!this.planning) this.phase = 'start';
    } finally {
      this.progress = null;
    }
  }

  /** Fuse a PET or MR series over the CT (null removes the overlay). */
  async setFusion(seriesKey: string | null): Promise<void> {
    const study = this.study;
    this.fusionKey = seriesKey;
    if (!study || !seriesKey) {
      this.fusion = null;
      return;
    }
    try {
      const handle = await this.api.call('study:load-series', { studyId: study.studyId, seriesKey, onGridOf: study.planningSeriesKey! });
      if (this.fusionKey !== seriesKey) return;
      this.colormap = handle.modality === 'PT' ? 'hot' : 'gray';
      this.fusion = { handle, values: await this.api.voxels(handle) };
    } catch (e) {
      this.fusionKey = null;
      this.notice = `Fusion not shown: ${describeError(e)}`;
    }
  }

  async #addStructures(list: readonly StructureSummary[]): Promise<StructureView[]> {
    const views: StructureView[] = [];
    for (const s of list) views.push(new StructureView(s, (await this.api.voxels(s.mask)) as Uint8Array));
    this.structures = [...this.structures, ...views];
    return views;
  }

  /** Import every expert RTSTRUCT of the study (the reference the model is judged against). */
  async importExpert(): Promise<void> {
    const study = this.study;
    if (!study) return;
    const warnings: string[] = [];
    for (const set of study.structureSets) {
      try {
        const r = await this.api.call('structures:import', { studyId: study.studyId, structureSetPath: set.path });
        await this.#addStructures(r.structures);
        warnings.push(...r.warnings);
      } catch (e) {
        warnings.push(describeError(e));
      }
    }
    if (this.structures.length > 0 && this.milestones.contoursMs === null) this.milestones.contoursMs = performance.now() - this.milestones.dropAt;
    if (warnings.length) this.notice = warnings.join(' · ');
  }

  /** Start auto-contouring; the result arrives as a job:done event. */
  async runModel(): Promise<void> {
    const study = this.study;
    if (!study || this.segment.state === 'running') return;
    try {
      this.segment = { state: 'running', message: 'auto-contouring…' };
      const jobId = (await this.api.call('segment:run', { studyId: study.studyId, device: 'auto' })).jobId;
      this.#jobId = jobId;
      const early = this.#endedEarly.get(jobId);
      if (early) {
        this.#endedEarly.delete(jobId);
        this.#jobEnded(early);
      }
    } catch (e) {
      const unavailable = e instanceof ApiFailure && e.code === 'NOT_AVAILABLE';
      this.segment = { state: unavailable ? 'unavailable' : 'failed', message: describeError(e) };
    }
  }

  #jobEnded(s: JobState): void {
    this.#jobId = null;
    this.progress = null;
    if (s.state === 'done') void this.#acceptModel(s.result);
    // No model for these modalities is not a failure of this study: say it is unavailable.
    else if (s.state === 'failed') this.segment = { state: s.error.code === 'MODEL_NOT_FOUND' ? 'unavailable' : 'failed', message: s.error.message };
    else if (s.state === 'cancelled') this.segment = { state: 'idle', message: 'auto-contouring cancelled' };
  }

  /** Cancel auto-contouring. */
  async cancelModel(): Promise<void> {
    if (this.#jobId) await this.api.call('job:cancel', { jobId: this.#jobId }).catch(() => {});
  }

  async #acceptModel(result: SegmentResult): Promise<void> {
    this.modelResult = result;
    const views = await this.#addStructures(result.structures);
    if (views[0]) this.activeId = views[0].id;
    if (result.uncertainty) {
      this.uncertainty = { handle: result.uncertainty, values: (await this.api.voxels(result.uncertainty)) as Float32Array };
    }
    this.segment = { state: 'done', message: `${result.model.name} ${result.model.version} on ${result.device}` };
    this.milestones.modelMs = performance.now() - this.milestones.dropAt;
    if (this.milestones.contoursMs === null) this.milestones.contoursMs = this.milestones.modelMs;
  }

  /**
   * Model GTV vs each expert GTV, Dice computed here from the current masks (so it follows
   * edits), HD95 from the pipeline when it reported one.
   */
  comparison(): ComparisonRow[] {
    const models = this.structures.filter((s) => s.summary.source === 'model');
    const experts = this.structures.filter((s) => s.summary.source === 'expert');
    const rows: ComparisonRow[] = [];
    for (const m of models) {
      void m.version;
      for (const e of experts) {
        const reported = this.modelResult?.comparison.find((c) => c.structure === e.summary.name);
        rows.push({ model: m.summary.name, expert: e.summary.name, dice: dice(m.mask, e.mask), hd95Mm: reported?.hd95Mm ?? null });
      }
    }
    return rows;
  }

  /** A new empty structure to draw, made active. */
  async newStructure(name: string): Promise<void> {
    if (!this.study) return;
    try {
      const s = await this.api.call('structure:create', { studyId: this.study.studyId, name, color: [255, 60, 60], interpretedType: 'GTV' });
      const [view] = await this.#addStructures([s]);
      this.activeId = view.id;
    } catch (e) {
      this.error = describeError(e);
    }
  }

  /** Send a structure's edited mask to main (which journals it). */
  async saveEdits(view: StructureView): Promise<void> {
    if (!this.study || !view.dirty) return;
    view.dirty = false;
    try {
      const summary = await this.api.call('structure:save-edits', { studyId: this.study.studyId, structureId: view.id, mask: view.mask.slice().buffer });
      view.summary = summary;
    } catch (e) {
      view.dirty = true;
      this.error = `Edits not saved: ${describeError(e)}`;
    }
  }

  /** Approve a structure as the current reviewer (remembered for next time). */
  async approve(view: StructureView, reviewer: string): Promise<void> {
    const name = reviewer.trim();
    if (!name) {
      this.error = 'Enter the reviewer name to approve.';
      return;
    }
    await this.saveEdits(view);
    view.approval = { reviewer: name, approvedAt: new Date().toISOString() };
    if (name !== this.reviewerName) {
      this.reviewerName = name;
      await this.api.call('settings:set', { reviewerName: name }).catch(() => {});
    }
  }

  /** Export structures into `folder` (null: next to the study). */
  async exportStructures(ids: readonly string[], folder: string | null): Promise<boolean> {
    if (!this.study) return false;
    const chosen = this.structures.filter((s) => ids.includes(s.id));
    for (const s of chosen) await this.saveEdits(s);
    try {
      const r = await this.api.call('rtstruct:export', {
        studyId: this.study.studyId, folder,
        structures: chosen.map((s) => ({ structureId: s.id, approval: s.approval })),
      });
      this.lastExport = r;
      return true;
    } catch (e) {
      this.error = `Export failed: ${describeError(e)}`;
      return false;
    }
  }

  /** Restore a journal (study, planning CT and edited structures). */
  async restore(entry: JournalEntry): Promise<void> {
    await this.closeStudy();
    this.phase = 'opening';
    this.milestones = { dropAt: performance.now(), firstImageMs: null, contoursMs: null, modelMs: null };
    this.#openToken = progressToken();
    try {
      const r = await this.api.call('journal:restore', { journalId: entry.journalId, progressToken: this.#openToken });
      this.study = r.study;
      this.planning = { handle: r.planning, values: await this.api.voxels(r.planning) };
      await this.#addStructures(r.structures);
      this.activeId = this.structures.find((s) => s.summary.source !== 'expert')?.id ?? null;
      this.journals = this.journals.filter((j) => j.journalId !== entry.journalId);
      this.phase = 'review';
    } catch (e) {
      this.phase = 'start';
      this.error = `Could not restore: ${describeError(e)} (the journal is kept)`;
    } finally {
      this.progress = null;
    }
  }

  /** Set a journal aside. */
  async discard(entry: JournalEntry): Promise<void> {
    await this.api.call('journal:discard', { journalId: entry.journalId }).catch((e) => (this.error = describeError(e)));
    this.journals = this.journals.filter((j) => j.journalId !== entry.journalId);
  }

  /** Close the current study (its journal is flushed and set aside by main). */
  async closeStudy(): Promise<void> {
    const study = this.study;
    for (const s of this.structures) await this.saveEdits(s);
    this.study = null;
    this.planning = this.fusion = null;
    this.fusionKey = null;
    this.uncertainty = null;
    this.structures = [];
    this.activeId = null;
    this.modelResult = null;
    this.segment = { state: 'idle', message: '' };
    this.lastExport = null;
    if (study) await this.api.call('study:close', { studyId: study.studyId }).catch(() => {});
  }
}
