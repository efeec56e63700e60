/**
 * The ONNX Runtime worker process: the only place onnxruntime-node is loaded. It keeps one
 * long-lived session per model and answers requests one at a time. A crash here (or in
 * onnxruntime's native code) takes down this process only; the host reports it and restarts.
 *
 * Started by inference-host.ts with `fork(…, {serialization: 'advanced'})` in the CLI and tests,
 * or as an Electron utilityProcess in the app (messages then come through process.parentPort);
 * {@link SESSION_WORKER_SCRIPT} in inference-host.ts names this file for a launcher.
 */
import ort from 'onnxruntime-node';
import type { OpenRequest, RunRequest, TensorSignature, WorkerReply, WorkerRequest } from './worker-protocol.ts';

const sessions = new Map<string, ort.InferenceSession>();

function signatures(names: readonly string[], meta: readonly ort.InferenceSession.ValueMetadata[] | undefined): TensorSignature[] {
  return names.map((name, i) => {
    const m = meta?.[i];
    return { name, shape: m && m.isTensor ? [...m.shape] : [] };
  });
}

function oneLineOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
}

async function open(req: OpenRequest): Promise<WorkerReply> {
  const fallbacks: string[] = [];
  for (const provider of req.candidates) {
    try {
      const old = sessions.get(req.key);
      if (old) {
        await old.release();
        sessions.delete(req.key);
      }
      const session = await ort.InferenceSession.create(req.onnxPath, {
        executionProviders: [provider],
        intraOpNumThreads: req.intraOpNumThreads,
        // One request at a time: inter-op parallelism would only fight intra-op threads.
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      sessions.set(req.key, session);
      return {
        id: req.id,
        ok: true,
        provider,
        fallbacks,
        inputs: signatures(session.inputNames, session.inputMetadata),
        outputs: signatures(session.outputNames, session.outputMetadata),
      };
    } catch (e) {
      fallbacks.push(`${provider}: ${oneLineOf(e)}`);
    }
  }
  return { id: req.id, ok: false, message: fallbacks.length === 1 ? fallbacks[0] : `no provider worked (${fallbacks.join('; ')})` };
}

async function run(req: RunRequest): Promise<WorkerReply> {
  const session = sessions.get(req.key);
  if (!session) return { id: req.id, ok: false, message: `no open session '${req.key}'` };
  const input = new ort.Tensor('float32', req.data, [...req.dims]);
  const result = await session.run({ [req.inputName]: input }, [...req.outputNames]);
  const outputs = req.outputNames.map((name) => {
    const t = result[name];
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
    return { dims: [...t.dims], data };
  });
  input.dispose?.();
  return { id: req.id, ok: true, outputs };
}

/** Electron's utilityProcess child side, when this runs as one (the app); absent under Node's fork (the CLI). */
const parentPort = (process as unknown as { parentPort?: { on(event: 'message', l: (e: { data: WorkerRequest }) => void): void; postMessage(m: unknown): void } }).parentPort;
const reply = (m: WorkerReply) => (parentPort ? parentPort.postMessage(m) : process.send?.(m));

// Requests are served strictly in series: the host sends one at a time, and chaining here
// keeps that true even if it ever does not.
let queue: Promise<void> = Promise.resolve();
function handle(msg: WorkerRequest): void {
  queue = queue.then(async () => {
    let out: WorkerReply;
    try {
      out = msg.kind === 'open' ? await open(msg) : await run(msg);
    } catch (e) {
      out = { id: msg.id, ok: false, message: oneLineOf(e) };
    }
    reply(out);
  });
}
if (parentPort) parentPort.on('message', (e) => handle(e.data));
else process.on('message', handle);
// The host going away (crash, kill) must not leave an orphan holding GPU memory.
process.on('disconnect', () => process.exit(0));
