/**
 * The API contract between the renderer and the main process — the ONE module both the
 * preload and the renderer import. No Node or DOM imports here: plain data types only.
 *
 * Shape of the conversation:
 * - `window.delineo.invoke(channel, request)` → `Promise<ApiResult<response>>`. Failures are
 *   values (`{ ok: false, error }`), never thrown, because Electron's contextBridge and IPC
 *   strip everything but `message` from a thrown Error and prefix it with IPC noise.
 * - `window.delineo.on(event, listener)` → unsubscribe function, for main → renderer events.
 * - Heavy binary data (volumes, masks, uncertainty) never travels as JSON: a handle carries a
 *   `url` (`delineo://volume/<id>` in the app, `http://127.0.0.1:<port>/volume/<id>` in the e2e
 *   harness) whose body is the raw little-endian voxel array (`dataType`, `size`). Mask edits go
 *   back as an `ArrayBuffer` (structured clone in IPC).
 *
 * Geometry: voxels in (k, j, i) order, i fastest (index = i + nx*(j + ny*k)); `affine` is the
 * row-major 4×4 matrix from (i, j, k, 1) to DICOM patient coordinates (LPS, mm).
 * Every change that breaks a reader goes into BREAKING_CHANGES.md.
 */

/** Version of this contract; bumped on breaking changes (see BREAKING_CHANGES.md). */
export const API_VERSION = '0.1.0';

/** Request channels, renderer → main (invoke/handle). */
export const CHANNELS = {
  appInfo: 'app:info',
  dialogOpenStudy: 'dialog:open-study',
  dialogChooseFolder: 'dialog:choose-folder',
  studyOpen: 'study:open',
  studyLoadSeries: 'study:load-series',
  studyClose: 'study:close',
  segmentRun: 'segment:run',
  jobCancel: 'job:cancel',
  jobStatus: 'job:status',
  structuresImport: 'structures:import',
  structureCreate: 'structure:create',
  structureSaveEdits: 'structure:save-edits',
  rtstructExport: 'rtstruct:export',
  journalList: 'journal:list',
  journalRestore: 'journal:restore',
  journalDiscard: 'journal:discard',
  settingsGet: 'settings:get',
  settingsSet: 'settings:set',
} as const;

/** Event channels, main → renderer. */
export const EVENTS = {
  jobProgress: 'job:progress',
  jobDone: 'job:done',
  inferenceStatus: 'inference:status',
  menuCommand: 'menu:command',
  appNotice: 'app:notice',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];
export type EventName = (typeof EVENTS)[keyof typeof EVENTS];

/** Every channel name, for allow-lists (preload, HTTP bridge, validators). */
export const CHANNEL_NAMES: readonly Channel[] = Object.values(CHANNELS);
/** Every event name, for allow-lists. */
export const EVENT_NAMES: readonly EventName[] = Object.values(EVENTS);

// ───────────────────────────── results and errors ─────────────────────────────

/** A failure the user can read: one line, naming the file where there is one. */
export interface ApiError {
  /** Stable code: 'INVALID_ARGUMENT', 'NOT_FOUND', 'NOT_AVAILABLE', 'CANCELLED', 'DICOM_…', 'MODEL_…', … */
  readonly code: string;
  readonly message: string;
  /** The file or folder concerned, if any. */
  readonly path?: string;
}

/** What every invoke resolves to. */
export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

// ───────────────────────────── shared value types ─────────────────────────────

/** [x, y, z] / [columns, rows, slices] triple. */
export type Triple = readonly [number, number, number];
/** RGB 0–255. */
export type Rgb = readonly [number, number, number];
/** Element type of a binary voxel payload (little-endian). */
export type VoxelDataType = 'float32' | 'int16' | 'uint16' | 'uint8';
/** Physical meaning of voxel values (same words as the pipeline's Volume.units). */
export type Units = 'HU' | 'SUVbw' | 'BQML' | 'CNTS' | 'raw' | 'label' | 'probability';
/** ONNX Runtime execution provider asked for ('auto' picks the best present and reports it). */
export type DeviceChoice = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
/** DICOM ROI Generation Algorithm. */
export type RoiGeneration = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

/** A window/level preset (display values in the volume's units). */
export interface WindowPreset {
  readonly name: string;
  readonly width: number;
  readonly center: number;
}

/**
 * A voxel grid whose bytes are fetched from `url` (raw typed array, `byteLength` bytes).
 * Used for images, masks (uint8, 0/1) and the uncertainty map (float32, 0–1).
 */
export interface VolumeHandle {
  readonly id: string;
  readonly url: string;
  readonly dataType: VoxelDataType;
  readonly byteLength: number;
  /** [columns (i), rows (j), slices (k)]. */
  readonly size: Triple;
  /** [x, y, z] mm. */
  readonly spacing: Triple;
  /** Row-major 4×4 (16 numbers), (i, j, k, 1) → LPS mm. */
  readonly affine: readonly number[];
  readonly frameOfReferenceUID: string;
  /** 'CT', 'PT', 'MR'; 'SEG' for masks; 'UNCERTAINTY' for the branch-disagreement map. */
  readonly modality: string;
  readonly units: Units;
}

/** An image series loaded for display. */
export interface ImageHandle extends VolumeHandle {
  readonly studyId: string;
  readonly seriesKey: string;
  /** Finite minimum and maximum voxel value. */
  readonly valueRange: readonly [number, number];
  /** Presets that suit the modality (CT: soft tissue, lung, bone, brain; PT: SUV; MR: from the data). */
  readonly windowPresets: readonly WindowPreset[];
  /** Multiply a voxel by this to get SUVbw; 1 when voxels already are SUVbw; null when not PET or not computable. */
  readonly suvScale: number | null;
  /** seriesKey of the grid the voxels were resampled onto (fusion), or null when on their own grid. */
  readonly resampledTo: string | null;
  readonly warnings: readonly string[];
}

/** One series as the study browser shows it. */
export interface SeriesSummary {
  /** Unique within a study: SeriesInstanceUID, plus `#stackId` when one series was split into stacks. */
  readonly seriesKey: string;
  readonly seriesInstanceUID: string;
  readonly modality: string;
  readonly description: string;
  /** DICOM DA (YYYYMMDD) or ''. */
  readonly date: string;
  readonly slices: number;
  readonly size: Triple;
  readonly spacing: Triple;
  readonly frameOfReferenceUID: string;
  readonly units: Units;
  readonly warnings: readonly string[];
}

/** An RT Structure Set found in the study. */
export interface StructureSetSummary {
  readonly path: string;
  readonly sopInstanceUID: string;
  readonly label: string;
  readonly referencedSeriesUID: string;
}

/** One study as the study browser shows it. DICOM text here is untrusted: show it as text only. */
export interface StudySummary {
  /** Handle for later requests; valid until `study:close` or restart. */
  readonly studyId: string;
  readonly studyInstanceUID: string;
  readonly patientName: string;
  readonly patientID: string;
  readonly studyDate: string;
  readonly description: string;
  readonly series: readonly SeriesSummary[];
  readonly structureSets: readonly StructureSetSummary[];
  /** seriesKey of the planning CT the app contours on (the CT with most slices), or null. */
  readonly planningSeriesKey: string | null;
}

/** A structure (contour) held by the main process on the planning CT grid. */
export interface StructureSummary {
  readonly structureId: string;
  readonly studyId: string;
  readonly name: string;
  readonly color: Rgb;
  /** RT ROI Interpreted Type: 'GTV', 'CTV', 'ORGAN', … */
  readonly interpretedType: string;
  readonly generation: RoiGeneration;
  /** Where it came from: the model, an expert RTSTRUCT, or drawn by the user (kept across a restore). */
  readonly source: 'model' | 'expert' | 'user';
  /** True when it came back from the autosave journal (after a crash or an unsaved close). */
  readonly restored: boolean;
  /** uint8 0/1 mask on the grid of `referenceSeriesKey`. */
  readonly mask: VolumeHandle;
  readonly referenceSeriesKey: string;
  readonly volumeMl: number;
  readonly voxels: number;
  /** Set for model-generated structures. */
  readonly model: { readonly name: string; readonly version: string } | null;
}

/** Model GTV vs one expert structure. */
export interface Comparison {
  readonly structure: string;
  /** structureId of the imported expert structure, when imported. */
  readonly expertStructureId: string | null;
  readonly dice: number;
  /** Null when either mask is empty (no surface to measure). */
  readonly hd95Mm: number | null;
}

/** Result of a finished `segment:run` job. */
export interface SegmentResult {
  readonly structures: readonly StructureSummary[];
  /** Branch disagreement |pa − pb| on the planning grid; null for single-head models. */
  readonly uncertainty: VolumeHandle | null;
  readonly model: { readonly name: string; readonly version: string };
  /** Execution provider actually used ('cpu', 'cuda', …). */
  readonly device: string;
  readonly warnings: readonly string[];
  readonly comparison: readonly Comparison[];
  /** Seconds per stage: load, register, infer, contour, export, total. */
  readonly timings: Readonly<Record<string, number>>;
}

/** State of a background job. */
export type JobState =
  | { readonly jobId: string; readonly state: 'running'; readonly progress: JobProgress | null }
  | { readonly jobId: string; readonly state: 'done'; readonly result: SegmentResult }
  | { readonly jobId: string; readonly state: 'failed'; readonly error: ApiError }
  | { readonly jobId: string; readonly state: 'cancelled' };

/** A restorable (or broken) edits journal. */
export interface JournalEntry {
  readonly journalId: string;
  /** ISO 8601 time of the last write. */
  readonly savedAt: string;
  readonly studyInstanceUID: string;
  readonly patientName: string;
  /** The paths the study was opened from (re-opened on restore). */
  readonly studyPaths: readonly string[];
  readonly structures: readonly { readonly name: string; readonly generation: RoiGeneration }[];
  /** False when the journal cannot be restored; it is kept on disk, `problem` says why. */
  readonly restorable: boolean;
  readonly problem: string | null;
}

/** Approval of a structure, recorded in the export. */
export interface Approval {
  readonly reviewer: string;
  /** ISO 8601. */
  readonly approvedAt: string;
}

/** Persistent user settings. */
export interface Settings {
  readonly reviewerName: string;
}

/** Facts about the build shown in the title bar and About. */
export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly apiVersion: string;
  /** True for research builds: the UI must show `notForClinicalUse`. */
  readonly researchBuild: boolean;
  /** e.g. 'NOT FOR CLINICAL USE (research build)'. */
  readonly notForClinicalUse: string;
  /** The bundled demo study, or null when not shipped. Open it with `study:open` { paths }. */
  readonly demo: {
    readonly paths: readonly string[];
    readonly title: string;
    /** Attribution text to show in About (authors, collection, DOI, licence). */
    readonly attribution: string;
    readonly doi: string;
    readonly licence: string;
  } | null;
}

// ───────────────────────────── requests and responses ─────────────────────────────

/**
 * Optional progress token: when given, the main process sends `job:progress` events with
 * `jobId` = this token while the request runs, and `job:cancel` with it cancels the request.
 */
export interface WithProgress {
  readonly progressToken?: string;
}

/** Channel → request and response types. */
export interface ApiChannels {
  'app:info': { request: Record<string, never>; response: AppInfo };
  /** Native "open files/folders" dialog; empty `paths` when the user cancelled. */
  'dialog:open-study': { request: Record<string, never>; response: { paths: readonly string[] } };
  /** Native folder chooser (export destination); null when cancelled. */
  'dialog:choose-folder': { request: { title?: string }; response: { path: string | null } };
  /** Scan files/folders (recursively) for DICOM studies. Unusable files come back in `errors`. */
  'study:open': {
    request: WithProgress & { paths: readonly string[] };
    response: { studies: readonly StudySummary[]; errors: readonly { path: string; message: string }[] };
  };
  /** Load one series' voxels; `onGridOf` resamples it onto another series' grid (fusion). */
  'study:load-series': {
    request: WithProgress & { studyId: string; seriesKey: string; onGridOf?: string };
    response: ImageHandle;
  };
  /** Forget a study and free its volumes (handles' URLs stop working). */
  'study:close': { request: { studyId: string }; response: { closed: boolean } };
  /** Start auto-contouring; progress and the result come as `job:progress` / `job:done` events. */
  'segment:run': {
    request: { studyId: string; modelCard?: string; device?: DeviceChoice };
    response: { jobId: string };
  };
  'job:cancel': { request: { jobId: string }; response: { cancelled: boolean } };
  /** The state of a job (in case an event was missed). */
  'job:status': { request: { jobId: string }; response: JobState };
  /** Read an expert RTSTRUCT of the study into masks on the planning CT grid. */
  'structures:import': {
    request: WithProgress & { studyId: string; structureSetPath: string };
    response: { structures: readonly StructureSummary[]; warnings: readonly string[] };
  };
  /** A new empty MANUAL structure on the planning CT grid. */
  'structure:create': {
    request: { studyId: string; name: string; color: Rgb; interpretedType: string };
    response: StructureSummary;
  };
  /**
   * Replace a structure's mask with the edited one (uint8 0/1, the mask handle's size). The
   * structure becomes SEMIAUTOMATIC if it was AUTOMATIC; the edit is journaled within 1 s.
   */
  'structure:save-edits': {
    request: { studyId: string; structureId: string; mask: ArrayBuffer };
    response: StructureSummary;
  };
  /**
   * Write an RTSTRUCT with the given structures (their latest saved masks) on the planning CT,
   * atomically, into `folder` (null: next to the study). Never overwrites.
   */
  'rtstruct:export': {
    request: {
      studyId: string;
      structures: readonly { structureId: string; approval: Approval | null }[];
      folder: string | null;
    };
    response: { path: string; sopInstanceUID: string; structureCount: number; seriesDescription: string };
  };
  /** Journals left by earlier sessions (crash or kill), newest first. */
  'journal:list': { request: Record<string, never>; response: { entries: readonly JournalEntry[] } };
  /** Re-open the study of a journal and bring back its structures with their edited masks. */
  'journal:restore': {
    request: WithProgress & { journalId: string };
    response: { study: StudySummary; planning: ImageHandle; structures: readonly StructureSummary[] };
  };
  /** Set a journal aside (renamed, never deleted) so it is no longer offered. */
  'journal:discard': { request: { journalId: string }; response: { discarded: boolean } };
  'settings:get': { request: Record<string, never>; response: Settings };
  'settings:set': { request: Partial<Settings>; response: Settings };
}

/** Request type of a channel. */
export type RequestOf<C extends Channel> = ApiChannels[C]['request'];
/** Response type of a channel. */
export type ResponseOf<C extends Channel> = ApiChannels[C]['response'];

// ───────────────────────────── events ─────────────────────────────

/** Progress of a job or of a request that was given a progressToken. */
export interface JobProgress {
  readonly jobId: string;
  /** 'scan', 'load', 'register', 'normalize', 'infer', 'contour', 'export', … */
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

/** Commands from the application menu, carried out by the renderer. */
export type MenuCommand = 'open-study' | 'open-demo' | 'about';

/** Event → payload type. */
export interface ApiEvents {
  'job:progress': JobProgress;
  /** A `segment:run` job ended; `state` is never 'running'. */
  'job:done': JobState;
  /** The inference process: 'crashed' is sent within 2 s of it dying; the next run restarts it. */
  'inference:status': { state: 'idle' | 'busy' | 'crashed'; message: string };
  'menu:command': { command: MenuCommand };
  /** Something the user must know that is not the answer to a request (e.g. autosave failed). */
  'app:notice': { level: 'warning' | 'error'; message: string };
}

/** Payload type of an event. */
export type EventOf<E extends EventName> = ApiEvents[E];

// ───────────────────────────── the exposed API ─────────────────────────────

/** The part of a DOM File that `pathForFile` needs (the contract has no DOM types). */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
}

/** What the preload exposes as `window.delineo` (and the e2e bridge reproduces). */
export interface DelineoApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ApiResult<ResponseOf<C>>>;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Absolute path of a dropped file or folder (Electron's webUtils.getPathForFile); '' when unknown. */
  pathForFile(file: DroppedFile): string;
}

/** Name of the global the preload defines. */
export const API_GLOBAL = 'delineo';
