/**
 * The main process's service layer: everything `window.delineo.invoke` reaches, with no
 * `electron` import so the Electron main, the e2e HTTP bridge and the tests share it.
 * Requests are validated here too (`invoke` is the trust boundary whatever the transport);
 * failures come back as `{ ok: false, error }` values with one readable line.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import {
  type ApiResult, type AppInfo, type Channel, type EventName, type EventOf, type ImageHandle,
  type RequestOf, type ResponseOf, type StructureSummary, type StudySummary,
} from '../ipc/contract.ts';
import { isChannel, validateRequest } from '../ipc/validate.ts';
import type { SeriesInfo } from '../pipeline/dicom/types.ts';
import type { StageContext } from '../pipeline/stage.ts';
import { resampleOffThread } from '../pipeline/volume/resample-off-thread.ts';
import type { ImageVolume, MaskVolume, Volume } from '../pipeline/volume/volume.ts';
import { ServiceError, toApiError } from './api-error.ts';
import { oneLine, PipelineError } from '../pipeline/errors.ts';
import { JobManager } from './jobs.ts';
import { JournalWriter, listJournals, readJournal, setAsideJournal, type JournalSnapshot } from './journal.ts';
import { realPipeline, type PipelineAdapter } from './pipeline-adapter.ts';
import { suvScale, valueRange, windowPresets } from './series-display.ts';
import { SettingsStore } from './settings.ts';
import { StructureStore } from './structures.ts';
import { planningSeries, seriesKeyOf, StudyRegistry } from './study-registry.ts';
import { VolumeStore } from './volume-store.ts';

/** Native dialogs; the Electron main supplies real ones, the e2e bridge scripted ones. */
export interface Dialogs {
  openStudy(): Promise<readonly string[]>;
  chooseFolder(title?: string): Promise<string | null>;
}

/** How to build a service. */
export interface AppServiceOptions {
  /** Prefix of volume URLs ('delineo://volume/' in the app, 'http://127.0.0.1:<port>/volume/' in e2e). */
  readonly volumeUrlBase: string;
  /** Writable folder for the journal and settings (Electron's userData). */
  readonly dataDir: string;
  readonly appInfo: AppInfo;
  readonly pipeline?: PipelineAdapter;
  readonly dialogs?: Dialogs;
  /** Debounce of journal writes, ms (default 400, never more than 900 after the first edit). */
  readonly journalDelayMs?: number;
}

type Listener = <E extends EventName>(event: E, payload: EventOf<E>) => void;
type Handlers = { [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

/** The API behind `window.delineo`. */
export class AppService {
  readonly volumes: VolumeStore;
  readonly #studies = new StudyRegistry();
  readonly #structures: StructureStore;
  readonly #jobs: JobManager;
  readonly #journal: JournalWriter;
  readonly #journalRoot: string;
  readonly #settings: SettingsStore;
  readonly #pipeline: PipelineAdapter;
  readonly #options: AppServiceOptions;
  readonly #listeners = new Set<Listener>();
  /** Loaded voxels per `${studyId}\n${seriesKey}` (the planning CT is needed again for import, export). */
  readonly #loaded = new Map<string, Promise<ImageVolume>>();
  /** Abort controllers of requests that were given a progress token. */
  readonly #tokens = new Map<string, AbortController>();
  /** Journal id of each study (a restored study keeps writing to the journal it came from). */
  readonly #journalOf = new Map<string, string>();
  readonly #handlers: Handlers;

  constructor(options: AppServiceOptions) {
    this.#options = options;
    this.volumes = new VolumeStore(options.volumeUrlBase);
    this.#structures = new StructureStore(this.volumes);
    this.#pipeline = options.pipeline ?? realPipeline();
    this.#journalRoot = path.join(options.dataDir, 'journal');
    this.#journal = new JournalWriter(this.#journalRoot, options.journalDelayMs ?? 400);
    this.#journal.onError = (message) => this.#emit('app:notice', { level: 'error', message });
    this.#settings = new SettingsStore(path.join(options.dataDir, 'settings.json'));
    this.#jobs = new JobManager({
      progress: (p) => this.#emit('job:progress', p),
      done: (s) => this.#emit('job:done', s),
    });
    this.#handlers = this.#makeHandlers();
  }

  /** Subscribe to every event; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validate and run one request; never throws. */
  async invoke<C extends Channel>(channel: C, request: unknown): Promise<ApiResult<ResponseOf<C>>> {
    if (!isChannel(channel)) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown channel ${String(channel)}` } };
    const problem = validateRequest(channel, request);
    if (problem) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: problem } };
    try {
      const handler = this.#handlers[channel] as (r: RequestOf<C>) => Promise<ResponseOf<C>>;
      return { ok: true, value: await handler(request as RequestOf<C>) };
    } catch (e) {
      return { ok: false, error: toApiError(e) };
    }
  }

  /** Write pending journal snapshots now (before quitting). */
  flush(): Promise<void> {
    return this.#journal.flush();
  }

  #emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const l of this.#listeners) {
      try { l(event, payload); } catch { /* a broken listener must not stop the others */ }
    }
  }

  /** A StageContext for a request; progress goes out under its token, which `job:cancel` can cancel. */
  #context(token: string | undefined): { ctx: StageContext; release: () => void } {
    if (!token) return { ctx: {}, release: () => {} };
    const controller = new AbortController();
    this.#tokens.set(token, controller);
    return {
      ctx: {
        signal: controller.signal,
        onProgress: (p) => this.#emit('job:progress', { jobId: token, stage: p.stage, done: p.done, total: p.total, ...(p.message ? { message: p.message } : {}) }),
      },
      release: () => this.#tokens.delete(token),
    };
  }

  #study(studyId: string) {
    const s = this.#studies.get(studyId);
    if (!s) throw new ServiceError('NOT_FOUND', `no open study ${studyId} (it was closed or the app restarted)`);
    return s;
  }

  #series(studyId: string, seriesKey: string): SeriesInfo {
    const s = this.#studies.series(studyId, seriesKey);
    if (!s) throw new ServiceError('NOT_FOUND', `study has no series ${seriesKey}`);
    return s;
  }

  #planning(studyId: string): SeriesInfo {
    const p = planningSeries(this.#study(studyId).info);
    if (!p) throw new ServiceError('NOT_FOUND', 'the study has no CT series to contour on');
    return p;
  }

  /** Voxels of a series, loaded once per study. */
  #volume(studyId: string, series: SeriesInfo, ctx: StageContext): Promise<ImageVolume> {
    const key = `${studyId}\n${seriesKeyOf(series)}`;
    let p = this.#loaded.get(key);
    if (!p) {
      p = this.#pipeline.load(series, ctx).then((l) => l.volume);
      this.#loaded.set(key, p);
      p.catch(() => this.#loaded.delete(key));
    }
    return p;
  }

  #imageHandle(studyId: string, series: SeriesInfo, volume: ImageVolume, resampledTo: string | null, warnings: readonly string[]): ImageHandle {
    const handle = this.volumes.add(volume, studyId);
    return {
      ...handle, studyId, seriesKey: seriesKeyOf(series), valueRange: valueRange(volume.data),
      windowPresets: windowPresets(volume), suvScale: suvScale(series, volume), resampledTo, warnings: [...warnings],
    };
  }

  /** Snapshot of a study's structures for the journal. */
  #snapshot(studyId: string): JournalSnapshot {
    const study = this.#study(studyId);
    return {
      studyInstanceUID: study.info.studyInstanceUID,
      patientName: study.info.patient.patientName,
      studyPaths: study.paths,
      planningSeriesKey: seriesKeyOf(this.#planning(studyId)),
      structures: this.#structures.ofStudy(studyId).map((r) => ({
        name: r.name, color: r.color, interpretedType: r.interpretedType, generation: r.generation,
        source: r.source, model: r.model, mask: this.#structures.mask(r.structureId).data,
      })),
    };
  }

  #journalEdit(studyId: string): void {
    let journalId = this.#journalOf.get(studyId);
    if (!journalId) {
      journalId = studyId;
      this.#journalOf.set(studyId, journalId);
    }
    this.#journal.schedule(journalId, () => this.#snapshot(studyId));
  }

  #makeHandlers(): Handlers {
    return {
      'app:info': async () => this.#options.appInfo,
      'dialog:open-study': async () => {
        if (!this.#options.dialogs) throw new ServiceError('NOT_AVAILABLE', 'no file dialog here');
        return { paths: await this.#options.dialogs.openStudy() };
      },
      'dialog:choose-folder': async (r) => {
        if (!this.#options.dialogs) throw new ServiceError('NOT_AVAILABLE', 'no folder dialog here');
        return { path: await this.#options.dialogs.chooseFolder(r.title) };
      },
      'study:open': async (r) => {
        const { ctx, release } = this.#context(r.progressToken);
        try {
          const absolute = r.paths.map((p) => path.resolve(p));
          const scan = await this.#pipeline.scan(absolute, ctx);
          const studies: StudySummary[] = scan.studies.map((info) => this.#studies.add(info, absolute).summary);
          if (studies.length === 0 && scan.errors.length === 0) {
            throw new ServiceError('NOT_FOUND', 'no DICOM images found', absolute[0]);
          }
          return { studies, errors: scan.errors.map((e) => ({ path: e.path, message: e.message })) };
        } finally {
          release();
        }
      },
      'study:load-series': async (r) => {
        const { ctx, release } = this.#context(r.progressToken);
        try {
          const series = this.#series(r.studyId, r.seriesKey);
          const volume = await this.#volume(r.studyId, series, ctx);
          if (!r.onGridOf || r.onGridOf === r.seriesKey) return this.#imageHandle(r.studyId, series, volume, null, series.warnings);
          const target = this.#series(r.studyId, r.onGridOf);
          const grid = await this.#volume(r.studyId, target, ctx);
          // Another frame of reference: align it first (REG object or rigid MI) and say how.
          const aligned = target.frameOfReferenceUID === series.frameOfReferenceUID
            ? { matrix: undefined, warnings: [] as readonly string[] }
            : await this.#pipeline.register({ study: this.#study(r.studyId).info, fixed: grid, moving: volume }, ctx);
          // A worker thread: 0.3–1 s for a whole-body PET on a 512² grid, which this process's
          // event loop (the window's IPC) must not wait for.
          const onGrid = (await resampleOffThread(volume, grid, aligned.matrix, { interpolation: 'linear' }, ctx.signal)) as Volume;
          return this.#imageHandle(r.studyId, series, onGrid, r.onGridOf, [...series.warnings, ...aligned.warnings]);
        } finally {
          release();
        }
      },
      'study:close': async (r) => {
        if (!this.#studies.get(r.studyId)) return { closed: false };
        await this.#journal.flush();
        const journalId = this.#journalOf.get(r.studyId);
        if (journalId) await setAsideJournal(this.#journalRoot, journalId, 'closed');
        this.#structures.deleteStudy(r.studyId);
        this.volumes.deleteOwner(r.studyId);
        for (const key of [...this.#loaded.keys()]) if (key.startsWith(r.studyId + '\n')) this.#loaded.delete(key);
        this.#journalOf.delete(r.studyId);
        return { closed: this.#studies.delete(r.studyId) };
      },
      'segment:run': async (r) => {
        const study = this.#study(r.studyId);
        const planning = this.#planning(r.studyId);
        const { jobId } = this.#jobs.start(async (ctx) => {
          const grid = await this.#volume(r.studyId, planning, ctx);
          this.#emit('inference:status', { state: 'busy', message: 'auto-contouring' });
          let result;
          try {
            result = await this.#pipeline.segment(
              { study: study.info, paths: study.paths, planning: grid, ...(r.modelCard ? { modelCard: r.modelCard } : {}), ...(r.device ? { device: r.device } : {}) },
              ctx,
            );
          } catch (e) {
            // The inference process died or hung: say so at once (the host restarts it on the next run).
            const code = e instanceof PipelineError ? e.code : '';
            if (code === 'MODEL_PROCESS' || code === 'MODEL_TIMEOUT') this.#emit('inference:status', { state: 'crashed', message: oneLine(e) });
            else this.#emit('inference:status', { state: 'idle', message: '' });
            throw e;
          }
          this.#emit('inference:status', { state: 'idle', message: '' });
          const structures = result.structures.map((s) =>
            this.#structures.add({
              studyId: r.studyId, name: s.name, color: s.color, interpretedType: s.interpretedType, generation: 'AUTOMATIC',
              source: 'model', referenceSeriesKey: seriesKeyOf(planning), model: result.model,
            }, s.mask));
          const uncertainty = result.uncertainty ? this.volumes.add(result.uncertainty, r.studyId, { modality: 'UNCERTAINTY', units: 'probability' }) : null;
          const experts = this.#structures.ofStudy(r.studyId).filter((s) => s.source === 'expert');
          return {
            structures, uncertainty, model: result.model, device: result.device, warnings: [...result.warnings], timings: result.timings,
            comparison: result.comparison.map((c) => ({ ...c, expertStructureId: experts.find((e) => e.name === c.structure)?.structureId ?? null })),
          };
        });
        return { jobId };
      },
      'job:cancel': async (r) => {
        const token = this.#tokens.get(r.jobId);
        if (token) {
          token.abort(new DOMException('cancelled by the user', 'AbortError'));
          return { cancelled: true };
        }
        return { cancelled: this.#jobs.cancel(r.jobId) };
      },
      'job:status': async (r) => {
        const s = this.#jobs.status(r.jobId);
        if (!s) throw new ServiceError('NOT_FOUND', `no job ${r.jobId}`);
        return s;
      },
      'structures:import': async (r) => {
        const study = this.#study(r.studyId);
        const known = study.info.structureSets.find((s) => s.path === r.structureSetPath);
        // Only structure sets the scan found in this study: a renderer must not make main read arbitrary files.
        if (!known) throw new ServiceError('NOT_FOUND', 'not a structure set of this study', r.structureSetPath);
        const { ctx, release } = this.#context(r.progressToken);
        try {
          const planning = this.#planning(r.studyId);
          const grid = await this.#volume(r.studyId, planning, ctx);
          const imported = await this.#pipeline.importStructures(known.path, study.info, grid, ctx);
          const structures = imported.structures.map((s) =>
            this.#structures.add({
              studyId: r.studyId, name: s.name, color: s.color, interpretedType: s.interpretedType, generation: 'MANUAL',
              source: 'expert', referenceSeriesKey: seriesKeyOf(planning), model: null,
            }, s.mask));
          return { structures, warnings: [...imported.warnings] };
        } finally {
          release();
        }
      },
      'structure:create': async (r) => {
        const planning = this.#planning(r.studyId);
        const grid = await this.#volume(r.studyId, planning, {});
        const mask: MaskVolume = { ...grid, data: new Uint8Array(grid.data.length), modality: 'SEG', units: 'label' };
        const s = this.#structures.add({
          studyId: r.studyId, name: r.name, color: r.color, interpretedType: r.interpretedType, generation: 'MANUAL',
          source: 'user', referenceSeriesKey: seriesKeyOf(planning), model: null,
        }, mask);
        this.#journalEdit(r.studyId);
        return s;
      },
      'structure:save-edits': async (r) => {
        this.#study(r.studyId);
        const rec = this.#structures.get(r.structureId);
        if (!rec || rec.studyId !== r.studyId) throw new ServiceError('NOT_FOUND', `no structure ${r.structureId} in this study`);
        const expected = this.#structures.mask(r.structureId).data.length;
        if (r.mask.byteLength !== expected) {
          throw new ServiceError('INVALID_ARGUMENT', `mask has ${r.mask.byteLength} voxels, the grid has ${expected}`);
        }
        const s = this.#structures.saveEdits(r.structureId, new Uint8Array(r.mask));
        this.#journalEdit(r.studyId);
        return s;
      },
      'rtstruct:export': async (r) => {
        const study = this.#study(r.studyId);
        const planning = this.#planning(r.studyId);
        const planningVolume = await this.#volume(r.studyId, planning, {});
        const structures = r.structures.map(({ structureId, approval }) => {
          const rec = this.#structures.get(structureId);
          if (!rec || rec.studyId !== r.studyId) throw new ServiceError('NOT_FOUND', `no structure ${structureId} in this study`);
          return {
            name: rec.name, color: rec.color, interpretedType: rec.interpretedType, generation: rec.generation,
            model: rec.model, approval, mask: this.#structures.mask(structureId),
          };
        });
        const folder = r.folder ?? (await defaultExportFolder(study.paths));
        const written = await this.#pipeline.exportRtstruct({ study: study.info, planning, planningVolume, structures, folder }, {});
        return { ...written, structureCount: structures.length };
      },
      'journal:list': async () => {
        await this.#journal.flush();
        const open = new Set(this.#journalOf.values());
        return { entries: (await listJournals(this.#journalRoot)).filter((e) => !open.has(e.journalId)) };
      },
      'journal:restore': async (r) => {
        let snap;
        try {
          snap = await readJournal(this.#journalRoot, r.journalId);
        } catch (e) {
          throw new ServiceError('JOURNAL', e instanceof Error ? e.message : String(e));
        }
        const { ctx, release } = this.#context(r.progressToken);
        try {
          const scan = await this.#pipeline.scan(snap.studyPaths, ctx);
          const info = scan.studies.find((s) => s.studyInstanceUID === snap.studyInstanceUID);
          if (!info) throw new ServiceError('NOT_FOUND', 'the study of this journal is no longer there', snap.studyPaths[0]);
          const study = this.#studies.add(info, snap.studyPaths);
          const planning = info.series.find((s) => seriesKeyOf(s) === snap.planningSeriesKey) ?? planningSeries(info);
          if (!planning) throw new ServiceError('NOT_FOUND', 'the study of this journal has no planning CT', snap.studyPaths[0]);
          const grid = await this.#volume(study.studyId, planning, ctx);
          const structures: StructureSummary[] = [];
          for (const s of snap.structures) {
            if (s.mask.length !== grid.data.length) throw new ServiceError('JOURNAL', `structure ${s.name} does not fit the planning CT grid`);
            structures.push(this.#structures.add({
              studyId: study.studyId, name: s.name, color: s.color, interpretedType: s.interpretedType, generation: s.generation,
              // Its origin survives the restore: the model-vs-expert table and the export's
              // default choice (never the expert's own contours) depend on it.
              source: s.source, restored: true, referenceSeriesKey: seriesKeyOf(planning), model: s.model,
            }, { ...grid, data: s.mask, modality: 'SEG', units: 'label' }));
          }
          this.#journalOf.set(study.studyId, r.journalId);
          return { study: study.summary, planning: this.#imageHandle(study.studyId, planning, grid, null, planning.warnings), structures };
        } finally {
          release();
        }
      },
      'journal:discard': async (r) => {
        if ([...this.#journalOf.values()].includes(r.journalId)) throw new ServiceError('INVALID_ARGUMENT', 'this journal belongs to an open study');
        this.#journal.cancel(r.journalId);
        return { discarded: await setAsideJournal(this.#journalRoot, r.journalId, 'discarded') };
      },
      'settings:get': async () => this.#settings.get(),
      'settings:set': async (r) => this.#settings.set(r),
    };
  }
}

/** Next to the study: the folder the user opened (or the folder of the file they opened). */
async function defaultExportFolder(paths: readonly string[]): Promise<string> {
  const first = paths[0];
  return (await stat(first)).isDirectory() ? first : path.dirname(first);
}
