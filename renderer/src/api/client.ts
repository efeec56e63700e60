/**
 * The renderer's only door to the main process: typed calls over `window.delineo` (the preload
 * in the app, the HTTP bridge in e2e). Failures become `ApiFailure` exceptions carrying the
 * one-line message; volume bytes are fetched from the handle's URL and checked against the
 * handle before use.
 */
import type {
  ApiError, Channel, DelineoApi, EventName, EventOf, RequestOf, ResponseOf, VolumeHandle,
} from '../../../electron/ipc/contract.ts';

/** A request that came back `{ ok: false }`. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  readonly code: string;
  readonly path: string | undefined;

  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
    this.path = error.path;
  }
}

/** Typed array of a handle's voxels. */
export type Voxels = Float32Array | Int16Array | Uint16Array | Uint8Array;

const CTORS = { float32: Float32Array, int16: Int16Array, uint16: Uint16Array, uint8: Uint8Array } as const;

/** The typed client. */
export class ApiClient {
  readonly #api: DelineoApi;
  readonly #fetch: typeof fetch;

  constructor(api: DelineoApi, fetcher: typeof fetch = (...a) => fetch(...a)) {
    this.#api = api;
    this.#fetch = fetcher;
  }

  /** Invoke a channel; resolves with the value or throws ApiFailure. */
  async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const r = await this.#api.invoke(channel, request);
    if (!r.ok) throw new ApiFailure(r.error);
    return r.value;
  }

  /** Subscribe to an event. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    return this.#api.on(event, listener);
  }

  /** Absolute path of a dropped file ('' when unknown). */
  pathForFile(file: { name: string; size: number }): string {
    return this.#api.pathForFile(file);
  }

  /** Fetch the voxels behind a handle, checking their length against the handle. */
  async voxels(handle: VolumeHandle): Promise<Voxels> {
    const res = await this.#fetch(handle.url);
    if (!res.ok) throw new ApiFailure({ code: 'NOT_FOUND', message: `volume ${handle.id} could not be fetched (${res.status})` });
    const buffer = await res.arrayBuffer();
    if (buffer.byteLength !== handle.byteLength) {
      throw new ApiFailure({ code: 'INVALID_DATA', message: `volume ${handle.id}: ${buffer.byteLength} bytes, expected ${handle.byteLength}` });
    }
    const Ctor = CTORS[handle.dataType];
    const n = handle.size[0] * handle.size[1] * handle.size[2];
    if (buffer.byteLength !== n * Ctor.BYTES_PER_ELEMENT) {
      throw new ApiFailure({ code: 'INVALID_DATA', message: `volume ${handle.id}: size ${handle.size.join('×')} does not match ${buffer.byteLength} bytes` });
    }
    return new Ctor(buffer);
  }
}

/** The client over the global the preload (or bridge) defined; throws when there is none. */
export function defaultClient(): ApiClient {
  const api = (globalThis as unknown as { delineo?: DelineoApi }).delineo;
  if (!api) throw new Error('window.delineo is missing: the page was not loaded by Delineo');
  return new ApiClient(api);
}

/** A fresh id for a progress token. */
export function progressToken(): string {
  return `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
