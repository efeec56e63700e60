/**
 * Background jobs with progress and cancellation. A job is an async function of a
 * StageContext; its progress and end are reported through `emit`, and its state can be asked
 * for at any time (an event the renderer missed is never lost).
 */
import { randomUUID } from 'node:crypto';
import type { ApiError, JobProgress, JobState, SegmentResult } from '../ipc/contract.ts';
import type { StageContext } from '../pipeline/stage.ts';
import { toApiError } from './api-error.ts';

/** What a job manager reports: progress of running jobs and their end. */
export interface JobEvents {
  progress(p: JobProgress): void;
  done(state: JobState): void;
}

interface Job {
  state: JobState;
  readonly controller: AbortController;
}

/** Runs jobs and remembers how they ended. */
export class JobManager {
  readonly #jobs = new Map<string, Job>();
  readonly #events: JobEvents;

  constructor(events: JobEvents) {
    this.#events = events;
  }

  /** Start `work` in the background; returns its id at once. `done()` resolves when it ends. */
  start(work: (ctx: StageContext) => Promise<SegmentResult>): { jobId: string; done: Promise<JobState> } {
    const jobId = randomUUID();
    const controller = new AbortController();
    const job: Job = { state: { jobId, state: 'running', progress: null }, controller };
    this.#jobs.set(jobId, job);
    const ctx: StageContext = {
      signal: controller.signal,
      onProgress: (p) => {
        if (job.state.state !== 'running') return;
        const progress: JobProgress = { jobId, stage: p.stage, done: p.done, total: p.total, ...(p.message ? { message: p.message } : {}) };
        job.state = { jobId, state: 'running', progress };
        this.#events.progress(progress);
      },
    };
    const done = (async (): Promise<JobState> => {
      try {
        const result = await work(ctx);
        job.state = controller.signal.aborted ? { jobId, state: 'cancelled' } : { jobId, state: 'done', result };
      } catch (e) {
        job.state = controller.signal.aborted ? { jobId, state: 'cancelled' } : { jobId, state: 'failed', error: toApiError(e) };
      }
      this.#events.done(job.state);
      return job.state;
    })();
    return { jobId, done };
  }

  /** Ask a running job to stop; false when it is unknown or already ended. */
  cancel(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    if (!job || job.state.state !== 'running') return false;
    job.controller.abort(new DOMException('cancelled by the user', 'AbortError'));
    return true;
  }

  /** The state of a job, or undefined. */
  status(jobId: string): JobState | undefined {
    return this.#jobs.get(jobId)?.state;
  }
}

/** An ApiError for an unknown job. */
export function unknownJob(jobId: string): ApiError {
  return { code: 'NOT_FOUND', message: `no job ${jobId}` };
}
