/**
 * The ONNX Runtime worker process: the only place onnxruntime-node is loaded. It keeps one
 * long-lived session per model and answers requests one at a time. A crash here (or in
 * onnxruntime's native code) takes down this process only; the host reports it and restarts.
 *
 * Started by {@link ../inference/inference-host.ts} with `fork(…, {serialization: 'advanced'})`.
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

// Requests are served strictly in series: the host sends one at a time, and chaining here
// keeps that true even if it ever does not.
let queue: Promise<void> = Promise.resolve();
process.on('message', (msg: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      reply = msg.kind === 'open' ? await open(msg) : await run(msg);
    } catch (e) {
      reply = { id: msg.id, ok: false, message: oneLineOf(e) };
    }
    process.send?.(reply);
  });
});
// The host going away (crash, kill) must not leave an orphan holding GPU memory.
process.on('disconnect', () => process.exit(0));
