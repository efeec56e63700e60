/**
 * A small pool of worker threads (at most 2) that parse and decode DICOM files off the
 * caller's thread: the work that needs dcmjs or a codec (plain headers and native frames are
 * handled on the caller's thread, see runBoundedTask in tasks.ts). Workers start on first use. Each task has a time limit: a worker stuck on a pathological file is
 * terminated and replaced, and the file is reported — a parser loop can never hang ingest.
 *
 * DELINEO_INGEST_WORKERS=1 or 2 sets the number of workers; 0 runs tasks on the caller's thread
 * (debugging; no time limit).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TaskRequest, TaskResult } from './tasks.ts';
import { workerScriptUrl } from '../worker-script.ts';

/** Per-task time limit: generous for a 1 GB multi-frame file on a slow disk, short for a loop. */
export const TASK_TIMEOUT_MS = 60_000;

interface Job {
  readonly id: number;
  readonly req: TaskRequest;
  readonly resolve: (r: TaskResult) => void;
  readonly timeoutMs: number;
  readonly transfer: ArrayBuffer[];
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  /** Whether the worker ever answered (a worker that fails before that could not start). */
  answered: boolean;
}

/** Errors that mean the worker script cannot start here (e.g. a bundle without worker.ts). */
const CANNOT_START = new Set(['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND', 'ERR_UNKNOWN_FILE_EXTENSION', 'ERR_WORKER_PATH', 'ERR_WORKER_INIT_FAILED', 'ERR_UNSUPPORTED_ESM_URL_SCHEME']);

const WORKER_URL = workerScriptUrl(import.meta.url, './worker');

/** A pool of ingest workers; tasks queue in order and resolve with a {@link TaskResult}. */
export class IngestPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private readonly size: number;
  private inline: boolean;
  private readonly workerUrl: URL;

  /**
   * @param size workers (1 or 2; default 2 where the machine has two cores).
   * @param workerUrl the worker script (tests point it elsewhere).
   */
  constructor(size = defaultSize(), workerUrl = WORKER_URL) {
    this.size = Math.max(1, Math.min(2, size));
    this.inline = process.env.DELINEO_INGEST_WORKERS === '0';
    this.workerUrl = workerUrl;
  }

  /** True once tasks run on the caller's thread (by request, or because workers cannot start). */
  get runsInline(): boolean {
    return this.inline;
  }

  /**
   * Run a task; resolves with its result (failures are results too), rejects only on abort.
   * `transfer` lists buffers of the request that move to the worker instead of being copied.
   */
  run(req: TaskRequest, signal?: AbortSignal, timeoutMs = TASK_TIMEOUT_MS, transfer: ArrayBuffer[] = []): Promise<TaskResult> {
    signal?.throwIfAborted();
    // The caller's thread only loads the parser (dcmjs, codecs) in this debugging mode.
    if (this.inline) return import('./tasks.ts').then(({ runTask }) => runTask(req));
    const task = new Promise<TaskResult>((resolve) => {
      this.queue.push({ id: this.nextId++, req, resolve, timeoutMs, transfer });
      this.pump();
    });
    if (!signal) return task;
    // On abort the caller stops waiting; a running task finishes in its worker and is dropped.
    return new Promise<TaskResult>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      task.then((r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      });
    });
  }

  /**
   * Start the workers now (their start-up — loading the parser — then overlaps with whatever the
   * caller does next, e.g. walking folders). Idle workers never keep the process alive.
   */
  prestart(): void {
    if (this.inline) return;
    while (this.slots.length < this.size) this.spawn();
  }

  /** Terminate all workers (queued tasks resolve as failures). */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.resolve(failure(job.req.path, 'DICOM_CANCELLED', 'ingest was shut down'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    // A small young generation makes the worker collect each file's buffers soon after use,
    // which keeps its resident memory low; file bytes and frames live outside the V8 heap.
    const worker = new Worker(this.workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 1024 } });
    const slot: Slot = { worker, job: null, timer: null, answered: false };
    slot.worker.on('message', (msg: { id: number; result: TaskResult }) => {
      slot.answered = true;
      if (slot.job && slot.job.id === msg.id) this.finish(slot, msg.result);
    });
    // A worker that dies (out of memory, native crash) fails its file and is replaced.
    slot.worker.on('error', (e: NodeJS.ErrnoException) => {
      if (!slot.answered && e.code && CANNOT_START.has(e.code)) return this.fallBackInline(slot);
      this.replace(slot, 'DICOM_WORKER', `reading crashed the parser (${e.message.split('\n')[0]})`);
    });
    slot.worker.on('exit', (code) => {
      if (slot.job) this.replace(slot, 'DICOM_WORKER', `the parser stopped (exit code ${code})`);
    });
    slot.worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(
      () => this.replace(slot, 'DICOM_TIMEOUT', `reading took longer than ${Math.round(job.timeoutMs / 1000)} s; skipped (the file may be corrupt)`),
      job.timeoutMs,
    );
    slot.worker.postMessage({ id: job.id, req: job.req }, job.transfer);
  }

  private finish(slot: Slot, result: TaskResult): void {
    const job = slot.job!;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    slot.worker.unref();
    job.resolve(result);
    this.pump();
  }

  /**
   * Workers cannot run here (a packaged build without the worker script): say so once and run
   * every task, the current one included, on the caller's thread rather than fail every file.
   */
  private fallBackInline(slot: Slot): void {
    if (!this.inline) process.stderr.write('delineo: ingest workers unavailable here; parsing on the main thread\n');
    this.inline = true;
    if (slot.timer) clearTimeout(slot.timer);
    const pending = [...(slot.job ? [slot.job] : []), ...this.queue.splice(0)];
    slot.job = null;
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
    for (const job of pending) void import('./tasks.ts').then(({ runTask }) => runTask(job.req)).then(job.resolve);
  }

  private replace(slot: Slot, code: string, message: string): void {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
    if (job) job.resolve(failure(job.req.path, code, message));
    this.pump();
  }
}

function failure(path: string, code: string, message: string): TaskResult {
  return { ok: false, code, message: `${path}: ${message}`, path };
}

/** Two workers where there are two cores, unless DELINEO_INGEST_WORKERS says otherwise. */
function defaultSize(): number {
  const wanted = Number(process.env.DELINEO_INGEST_WORKERS);
  return wanted === 1 || wanted === 2 ? wanted : Math.min(2, os.availableParallelism());
}

let shared: IngestPool | null = null;

/** The process-wide ingest pool (workers are unref'd while idle, so they never keep a process alive). */
export function ingestPool(): IngestPool {
  shared ??= new IngestPool();
  return shared;
}
