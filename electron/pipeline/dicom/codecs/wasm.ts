/**
 * Lazy, once-only loading of the Emscripten (WASM) codec modules from @cornerstonejs. Each
 * package ships a CommonJS factory plus its .wasm; we hand the factory the wasm bytes
 * ourselves so it never has to guess its own location (bundlers move files around).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PipelineError } from '../../errors.ts';

const require = createRequire(import.meta.url);

/** What every @cornerstonejs decoder class exposes (embind object; must be delete()d). */
export interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  delete(): void;
}

/** The decoders' frame description. */
export interface CodecFrameInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  readonly isSigned?: boolean;
}

type DecoderModule = Record<string, new () => EmscriptenDecoder>;

/** The codec packages Delineo uses: factory module, wasm file and decoder class name. */
const CODECS = {
  'JPEG baseline (libjpeg-turbo)': { js: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', wasm: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm', cls: 'JPEGDecoder' },
  'JPEG-LS (CharLS)': { js: '@cornerstonejs/codec-charls/decodewasmjs', wasm: '@cornerstonejs/codec-charls/decodewasm', cls: 'JpegLSDecoder' },
  'JPEG 2000 (OpenJPEG)': { js: '@cornerstonejs/codec-openjpeg/decodewasmjs', wasm: '@cornerstonejs/codec-openjpeg/decodewasm', cls: 'J2KDecoder' },
  'HTJ2K (OpenJPH)': { js: '@cornerstonejs/codec-openjph/wasmjs', wasm: '@cornerstonejs/codec-openjph/wasm', cls: 'HTJ2KDecoder' },
} as const;

/** Names of the WASM codecs. */
export type CodecName = keyof typeof CODECS;

const loaded = new Map<CodecName, Promise<DecoderModule>>();

/**
 * The codecs print their diagnostics ("[ERROR] Invalid number of tiles …") to stdout/stderr,
 * which would garble the CLI's output. We keep the latest lines instead and put the last
 * one into the error message when a decode fails.
 */
const messages = new Map<CodecName, string[]>();
function remember(name: CodecName, line: string): void {
  const list = messages.get(name) ?? [];
  list.push(line);
  if (list.length > 8) list.shift();
  messages.set(name, list);
}

/** The codec's module, instantiated on first use and shared afterwards. */
export function loadCodec(name: CodecName): Promise<DecoderModule> {
  let pending = loaded.get(name);
  if (!pending) {
    const spec = CODECS[name];
    pending = (async () => {
      const factory = require(spec.js) as (options: { wasmBinary: Uint8Array; print(line: string): void; printErr(line: string): void }) => Promise<DecoderModule>;
      const log = (line: string) => remember(name, line);
      return factory({ wasmBinary: readFileSync(require.resolve(spec.wasm)), print: log, printErr: log });
    })();
    // A failed load is not cached, so a later frame retries (e.g. after a transient I/O error).
    pending.catch(() => loaded.delete(name));
    loaded.set(name, pending);
  }
  return pending.catch((e: unknown) => {
    throw new PipelineError('DICOM_DECODE', `${name} codec could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  });
}

/** A decoded frame straight from a codec: bytes (copied out of the WASM heap) + description. */
export interface CodecOutput {
  readonly bytes: Uint8Array;
  readonly info: CodecFrameInfo;
}

/**
 * Decode one codestream with a codec. The decoded bytes are copied out of the WASM heap
 * before the decoder is freed, so later decodes cannot overwrite them.
 */
export async function runCodec(name: CodecName, encoded: Uint8Array): Promise<CodecOutput> {
  const module = await loadCodec(name);
  const decoder = new module[CODECS[name].cls]();
  messages.delete(name);
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (e) {
      const said = messages.get(name)?.filter((l) => /error/i.test(l)).map((l) => l.replace(/^\[ERROR\]\s*/, '').trim());
      throw new PipelineError('DICOM_DECODE', `${name} could not decode the frame: ${said?.length ? said[0] : describeWasmError(e)}`);
    }
    const info = decoder.getFrameInfo();
    const bytes = decoder.getDecodedBuffer().slice();
    return { bytes, info: { width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, componentCount: info.componentCount, isSigned: info.isSigned } };
  } finally {
    decoder.delete();
  }
}

/** Emscripten throws strings, numbers (C++ exception pointers) or Errors. */
function describeWasmError(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0];
  if (typeof e === 'string') return e.split('\n')[0];
  return 'corrupt or truncated codestream';
}
