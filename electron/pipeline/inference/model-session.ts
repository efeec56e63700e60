/**
 * A model ready to run: its validated card, the ONNX file checked against the card's sha256,
 * a session in the worker process whose graph agrees with the card, and the provider it got.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PipelineError } from '../errors.ts';
import type { InferenceHost } from './inference-host.ts';
import type { ModelCard } from './model-card.ts';
import { physicalCoreCount, providerCandidates, type DeviceChoice } from './providers.ts';
import type { LoadedModelCard } from './read-model-card.ts';
import type { OpenReply, TensorSignature } from './worker-protocol.ts';

export interface OpenModelOptions {
  readonly host: InferenceHost;
  readonly device?: DeviceChoice;
  /** CPU threads for the session; default: physical cores. */
  readonly threads?: number;
  /** Windows per batch when the graph's batch dimension is free (default 2 on the CPU, where larger batches gain nothing measurable, 4 on a GPU). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

/** An opened model: run batches of N × C × z × y × x windows through {@link ModelSession.predict}. */
export interface ModelSession {
  readonly card: ModelCard;
  readonly onnxPath: string;
  /** Provider the session actually runs on ('cpu', 'cuda', …). */
  readonly provider: DeviceChoice;
  /** One line per GPU provider that was tried and failed before `provider` (auto only). */
  readonly fallbacks: readonly string[];
  /** Windows per call: fixed by the graph, or the option when the batch dimension is symbolic. */
  readonly batchSize: number;
  readonly threads: number;
  /**
   * Run `n` windows (data N × C × z × y × x, z/y/x = card.patchSize reversed); returns one
   * Float32Array (n × z × y × x) per card output, in card order. Re-opens the session after a
   * worker restart.
   */
  predict(data: Float32Array, n: number, signal?: AbortSignal): Promise<Float32Array[]>;
}

/** SHA-256 of a file, hex, streamed (shipped models are tens of MB). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Check the file, open a session (trying providers per `device`) and check the graph against the card. */
export async function openModel(loaded: LoadedModelCard, options: OpenModelOptions): Promise<ModelSession> {
  const { card, onnxPath } = loaded;
  let actual: string;
  try {
    actual = await sha256File(onnxPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PipelineError('MODEL_LOAD', code === 'ENOENT' ? 'model file not found (named by the card)' : `cannot read model file (${code})`, onnxPath);
  }
  if (actual !== card.onnx.sha256) {
    throw new PipelineError('MODEL_CORRUPT', `file does not match its card (sha256 ${actual.slice(0, 12)}…, card says ${card.onnx.sha256.slice(0, 12)}…): corrupt or replaced`, onnxPath);
  }
  const candidates = providerCandidates(options.device ?? 'auto');
  const threads = options.threads ?? physicalCoreCount();
  const key = `${card.name}@${card.version}#${card.onnx.sha256.slice(0, 16)}`;
  const openRequest = { key, onnxPath, candidates, intraOpNumThreads: threads };
  const reply = await options.host.open(openRequest, options.signal);
  const batchSize = checkGraph(card, reply, onnxPath, options.batchSize ?? (reply.provider === 'cpu' ? 2 : 4));
  const outputNames = card.outputs.map((o) => o.name);
  const [px, py, pz] = card.patchSize;
  const channels = card.inputs.length;

  return {
    card,
    onnxPath,
    provider: reply.provider,
    fallbacks: reply.fallbacks,
    batchSize,
    threads,
    async predict(data, n, signal) {
      if (data.length !== n * channels * px * py * pz) {
        throw new RangeError(`predict: ${data.length} values for ${n} windows of ${channels}×${pz}×${py}×${px}`);
      }
      if (!options.host.isOpen(key)) {
        // The worker died and was restarted: open again with the provider that worked before,
        // so a restart never changes the device silently.
        await options.host.open({ ...openRequest, candidates: [reply.provider] }, signal);
      }
      const out = await options.host.run({ key, inputName: card.inputName, dims: [n, channels, pz, py, px], data, outputNames }, signal);
      return out.outputs.map((o, i) => {
        if (o.data.length !== n * px * py * pz) {
          throw new PipelineError('MODEL_GRAPH', `output '${outputNames[i]}' has shape [${o.dims.join(', ')}], expected [${n}, 1, ${pz}, ${py}, ${px}]`, onnxPath);
        }
        return o.data;
      });
    },
  };
}

/**
 * Refuse a graph that disagrees with its card: one input named card.inputName with
 * card.inputs.length channels, every card output present with one channel, fixed spatial
 * dimensions equal to the patch. Returns the batch size to use.
 */
function checkGraph(card: ModelCard, reply: OpenReply, onnxPath: string, wantedBatch: number): number {
  const bad = (what: string): never => {
    throw new PipelineError('MODEL_GRAPH', `graph disagrees with its card: ${what}`, onnxPath);
  };
  if (reply.inputs.length !== 1) bad(`${reply.inputs.length} inputs (${reply.inputs.map((i) => i.name).join(', ')}), the card expects 1`);
  const input = reply.inputs[0];
  if (input.name !== card.inputName) bad(`input is '${input.name}', the card says '${card.inputName}'`);
  checkShape(input, card.inputs.length, `input '${input.name}'`, card, bad);
  const names = new Map(reply.outputs.map((o) => [o.name, o]));
  for (const o of card.outputs) {
    const sig = names.get(o.name);
    if (!sig) bad(`no output '${o.name}' (graph outputs: ${reply.outputs.map((x) => x.name).join(', ')})`);
    else checkShape(sig, 1, `output '${o.name}'`, card, bad);
  }
  const batch = input.shape[0];
  return typeof batch === 'number' && batch > 0 ? batch : Math.max(1, wantedBatch);
}

function checkShape(sig: TensorSignature, channels: number, what: string, card: ModelCard, bad: (w: string) => never): void {
  if (sig.shape.length === 0) return; // the graph does not declare a shape: checked per run instead
  if (sig.shape.length !== 5) bad(`${what} has rank ${sig.shape.length}, expected 5 (N×C×z×y×x)`);
  const c = sig.shape[1];
  if (typeof c === 'number' && c !== channels) bad(`${what} has ${c} channels, the card lists ${channels}`);
  const [px, py, pz] = card.patchSize;
  const expected = [pz, py, px];
  for (let a = 0; a < 3; a++) {
    const d = sig.shape[2 + a];
    if (typeof d === 'number' && d !== expected[a]) bad(`${what} is fixed at [${sig.shape.slice(2).join(', ')}] voxels (z, y, x), the card's patch is [${expected.join(', ')}]`);
  }
}
