/**
 * The pipeline's side of the ONNX Runtime worker: starts the worker process on first use,
 * sends requests one at a time, guards each with a watchdog, and turns a dead or hung worker
 * into a clear one-line error. The next request after a death starts a fresh worker and
 * re-opens the sessions it needs, so a crash costs one failed call, never the app.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../errors.ts';
import { workerScriptUrl } from '../worker-script.ts';
import type { OpenReply, OpenRequest, RunReply, RunRequest, WorkerReply } from './worker-protocol.ts';

/**
 * A started worker as the host sees it. The CLI uses a Node child process; the app swaps in
 * Electron's utilityProcess behind the same four members.
 */
export interface WorkerPort {
  send(message: OpenRequest | RunRequest): void;
  onMessage(listener: (reply: WorkerReply) => void): void;
  /** Called once when the worker ends, with a short reason ('exit code 1', 'signal SIGKILL'). */
  onExit(listener: (reason: string) => void): void;
  kill(): void;
  readonly pid: number | undefined;
}

/** Starts a worker running session-worker.ts. */
export type WorkerLauncher = () => WorkerPort;

/** The worker's entry file (.ts source, or the bundled .js in a build), for launchers (Electron's utilityProcess.fork in the app). */
export const SESSION_WORKER_SCRIPT = fileURLToPath(workerScriptUrl(import.meta.url, './session-worker'));

/** The default launcher: `child_process.fork` of session-worker.ts with binary-safe serialization. */
export const forkNodeWorker: WorkerLauncher = () => {
  const child = fork(SESSION_WORKER_SCRIPT, [], {
    serialization: 'advanced',
    // Do not inherit the parent's flags (test runners, inspectors); Node ≥ 22.18 strips types itself.
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderrTail = (stderrTail + b.toString()).slice(-2000);
  });
  return {
    send: (m) => child.send(m),
    onMessage: (l) => child.on('message', (m) => l(m as WorkerReply)),
    onExit: (l) => {
      let done = false;
      const report = (reason: string) => {
        if (done) return;
        done = true;
        const last = stderrTail.trim().split('\n').filter(Boolean).pop();
        l(last ? `${reason}: ${last}` : reason);
      };
      child.on('exit', (code, signal) => report(signal ? `signal ${signal}` : `exit code ${code}`));
      child.on('error', (e) => report(e.message));
    },
    kill: () => child.kill('SIGKILL'),
    get pid() {
      return child.pid;
    },
  };
};

export interface InferenceHostOptions {
  readonly launch?: WorkerLauncher;
  /** Watchdog for opening a session (model load, provider initialisation). */
  readonly openTimeoutMs?: number;
  /** Watchdog for one batch. */
  readonly runTimeoutMs?: number;
}

interface Pending {
  readonly resolve: (r: WorkerReply) => void;
  readonly reject: (e: Error) => void;
}

/** The inference worker process and the sessions opened in it. */
export class InferenceHost {
  readonly #launch: WorkerLauncher;
  readonly #openTimeoutMs: number;
  readonly #runTimeoutMs: number;
  #worker: WorkerPort | null = null;
  #generation = 0;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  /** Requests wait their turn here: the worker serves one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  /** key → the worker generation whose session is open, and how it was opened. */
  #opened = new Map<string, { generation: number; request: string; reply: OpenReply }>();

  constructor(options: InferenceHostOptions = {}) {
    this.#launch = options.launch ?? forkNodeWorker;
    this.#openTimeoutMs = options.openTimeoutMs ?? 120_000;
    this.#runTimeoutMs = options.runTimeoutMs ?? 300_000;
  }

  /** Process id of the running worker, if one is running (tests kill it through this). */
  get workerPid(): number | undefined {
    return this.#worker?.pid;
  }

  /** True when `key` has a session in the current worker. */
  isOpen(key: string): boolean {
    return this.#worker !== null && this.#opened.get(key)?.generation === this.#generation;
  }

  /**
   * Open a session in the worker (starting it if needed). A session already open under the
   * same key with the same request is reused: one long-lived session per model, however many
   * studies are segmented.
   */
  open(request: Omit<OpenRequest, 'id' | 'kind'>, signal?: AbortSignal): Promise<OpenReply> {
    return this.#serial(async () => {
      const asked = JSON.stringify(request);
      const cached = this.#opened.get(request.key);
      if (cached && this.isOpen(request.key) && cached.request === asked) return cached.reply;
      // The worker drops the key's old session before opening anew: until this succeeds, it has none.
      this.#opened.delete(request.key);
      const reply = await this.#request({ ...request, kind: 'open', id: this.#nextId++ }, this.#openTimeoutMs, signal);
      if (!reply.ok) throw new PipelineError('MODEL_LOAD', `cannot open the model (${reply.message})`, request.onnxPath);
      this.#opened.set(request.key, { generation: this.#generation, request: asked, reply: reply as OpenReply });
      return reply as OpenReply;
    });
  }

  /** Run one batch; `key` must be open in the current worker (see {@link isOpen}). */
  run(request: Omit<RunRequest, 'id' | 'kind'>, signal?: AbortSignal): Promise<RunReply> {
    return this.#serial(async () => {
      if (!this.isOpen(request.key)) throw new PipelineError('MODEL_RUN', `model '${request.key}' is not open in the inference process`);
      const reply = await this.#request({ ...request, kind: 'run', id: this.#nextId++ }, this.#runTimeoutMs, signal);
      if (!reply.ok) throw new PipelineError('MODEL_RUN', `inference failed (${reply.message})`);
      return reply as RunReply;
    });
  }

  /** Stop the worker (sessions are released with it). Safe to call twice. */
  dispose(): void {
    const w = this.#worker;
    this.#worker = null;
    w?.kill();
  }

  #serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(job, job);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #ensureWorker(): WorkerPort {
    if (this.#worker) return this.#worker;
    const worker = this.#launch();
    const generation = ++this.#generation;
    worker.onMessage((reply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      p.resolve(reply);
    });
    worker.onExit((reason) => {
      if (this.#generation !== generation || this.#worker !== worker) return;
      this.#worker = null;
      const error = new PipelineError(
        'MODEL_PROCESS',
        `the inference process stopped (${reason}); it will be restarted on the next request`,
      );
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    });
    this.#worker = worker;
    return worker;
  }

  #request(message: OpenRequest | RunRequest, timeoutMs: number, signal?: AbortSignal): Promise<WorkerReply> {
    signal?.throwIfAborted();
    const worker = this.#ensureWorker();
    return new Promise<WorkerReply>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(message.id);
      };
      // The watchdog: a worker that does not answer is stopped, so the next call starts clean.
      const timer = setTimeout(() => {
        finish();
        this.#killCurrent();
        reject(new PipelineError('MODEL_TIMEOUT', `the inference process did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}; it was stopped and will be restarted on the next request`));
      }, timeoutMs);
      // ONNX Runtime cannot interrupt a running batch; stopping the worker is the only prompt cancel.
      const onAbort = () => {
        finish();
        this.#killCurrent();
        reject(signal?.reason instanceof Error ? signal.reason : new DOMException('cancelled', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(message.id, {
        resolve: (r) => { finish(); resolve(r); },
        reject: (e) => { finish(); reject(e); },
      });
      try {
        worker.send(message);
      } catch (e) {
        finish();
        reject(new PipelineError('MODEL_PROCESS', `cannot reach the inference process (${(e as Error).message})`));
      }
    });
  }

  #killCurrent(): void {
    const w = this.#worker;
    this.#worker = null;
    w?.kill();
  }
}
