/**
 * Messages between the pipeline and the ONNX Runtime worker process. Tensors travel as
 * Float32Arrays through the channel's structured-clone ('advanced') serialization: binary,
 * never JSON.
 */
import type { DeviceChoice } from './providers.ts';

/** Open (or reuse) a session for one ONNX file. */
export interface OpenRequest {
  readonly kind: 'open';
  readonly id: number;
  /** Key the session is kept under in the worker (one long-lived session per model). */
  readonly key: string;
  readonly onnxPath: string;
  /** Providers to try in order; the first that creates a session wins. */
  readonly candidates: readonly DeviceChoice[];
  readonly intraOpNumThreads: number;
}

/** Run one batch through an opened session. */
export interface RunRequest {
  readonly kind: 'run';
  readonly id: number;
  readonly key: string;
  readonly inputName: string;
  /** N × C × z × y × x. */
  readonly dims: readonly number[];
  readonly data: Float32Array;
  readonly outputNames: readonly string[];
}

export type WorkerRequest = OpenRequest | RunRequest;

/** Shape of one graph input or output as the session reports it (strings for symbolic dims). */
export interface TensorSignature {
  readonly name: string;
  readonly shape: readonly (number | string)[];
}

export interface OpenReply {
  readonly id: number;
  readonly ok: true;
  readonly provider: DeviceChoice;
  /** Why each provider tried before `provider` failed, one line each. */
  readonly fallbacks: readonly string[];
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
}

export interface RunReply {
  readonly id: number;
  readonly ok: true;
  /** One per requested output name, in order. */
  readonly outputs: readonly { readonly dims: readonly number[]; readonly data: Float32Array }[];
}

export interface ErrorReply {
  readonly id: number;
  readonly ok: false;
  /** One line. */
  readonly message: string;
}

export type WorkerReply = OpenReply | RunReply | ErrorReply;
