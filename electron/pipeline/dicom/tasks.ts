/**
 * The work an ingest worker does, as plain messages in and out (structured-clonable), so the
 * same functions run in a worker thread or, as a fallback, on the caller's thread.
 */
import { PipelineError } from '../errors.ts';
import type { FileHeader } from './header.ts';
import { fastHeader } from './fast-header.ts';
import { analyseFile, isNativeSyntax, type FileLayout, type PixelSpan } from './file-layout.ts';
import { parseFile, readBytes, readFrames, readHead, readNative16Into, readsInPlace, type HeadReader } from './read-file.ts';

/** Bytes read to parse a header while scanning; nearly every header is far smaller. */
const HEAD_BYTES = 128 * 1024;
/** What the caller's thread reads first (CT and MR headers are 2–8 KB); HEAD_BYTES if short. */
const FIRST_HEAD_BYTES = 16 * 1024;

/** Parse a file's header (no pixel decoding). */
export interface HeaderRequest {
  readonly op: 'header';
  readonly path: string;
}

/** Decode frames of an image into physical values × scale. */
export interface FramesRequest {
  readonly op: 'frames';
  readonly path: string;
  /** 1-based frame numbers. */
  readonly frames: readonly number[];
  readonly scale: number;
  /** The image scanning saw; a file that changed since is refused. */
  readonly expect: { readonly sopInstanceUID: string; readonly rows: number; readonly columns: number };
  /** The header scanning parsed, when still at hand: saves a second full parse. */
  readonly header?: FileHeader;
  /** Where scanning found the file's native pixels, when it did. */
  readonly pixelSpan?: PixelSpan | null;
  /**
   * Arrays to fill (one per frame, rows × columns), recycled by the caller to keep memory flat.
   * An Int16Array (a slice of a CT volume kept in HU as int16) is only filled by the in-place
   * read on the caller's thread; anything else about that file is left to the caller.
   */
  readonly targets?: (Float32Array | Int16Array)[];
}

export type TaskRequest = HeaderRequest | FramesRequest;

export type TaskResult =
  | { readonly ok: true; readonly header: FileHeader; readonly pixelSpan?: PixelSpan | null; readonly frames?: Float32Array[] }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly path: string };

/** Most frames one bounded task decodes on the caller's thread (more go to a worker). */
const BOUNDED_FRAMES = 8;
/** File buffers kept for reuse by bounded frame reads (each file's bytes are dropped after). */
const spare: Uint8Array[] = [];
const SPARE_MAX = 8;
const SPARE_BYTES = 16 * 2 ** 20;
/** Head buffers for bounded header reads, reused likewise. */
const spareHeads: Uint8Array[] = [];

/**
 * Run a task on the caller's thread if only our own bounded code is needed — the layout walk,
 * the header fast path, native pixel conversion: loops over lengths already checked against
 * the bytes, so no time limit or worker isolation is needed — else resolve null and leave the
 * task to a worker (dcmjs, codecs, headers beyond the first 128 KB, files over 16 MB, more than
 * 8 frames). Each call is a few milliseconds of work between awaits, so the caller's event
 * loop keeps turning. Saves the workers' start-up (type stripping, module loading: ~100 ms
 * each) for ordinary CT and MR series.
 *
 * @param readHeadWith how a header task reads the file's head (the scan may read synchronously).
 */
export async function runBoundedTask(req: TaskRequest, readHeadWith: HeadReader = readHead): Promise<TaskResult | null> {
  if (req.op === 'header') {
    // Nothing made from the head keeps a view of it (analyseFile copies the header, the fast
    // path makes strings), so a few buffers serve every file.
    const buffer = spareHeads.pop() ?? new Uint8Array(HEAD_BYTES);
    try {
      let layout: FileLayout | null = null;
      for (const headBytes of [FIRST_HEAD_BYTES, HEAD_BYTES]) {
        const head = await readHeadWith(req.path, headBytes, buffer);
        try {
          layout = analyseFile(head.bytes, req.path, head.size);
          break;
        } catch (e) {
          // Not DICOM is decided by the first bytes: the full task would say exactly this. A
          // header longer than the head is read again with more; longer still (or deflated),
          // it is left to a worker, which reads it all: work here stays bounded.
          if (e instanceof PipelineError && e.code === 'DICOM_NOT_DICOM') throw e;
          if (head.size <= head.bytes.length) throw e;
        }
      }
      if (!layout) return null;
      const header = fastHeader(layout, req.path);
      return header ? { ok: true, header, pixelSpan: layout.pixelSpan } : null;
    } catch (e) {
      // Not DICOM, unreadable, malformed structure: the full task would report exactly this.
      return failureOf(e, req.path);
    } finally {
      if (spareHeads.length < SPARE_MAX) spareHeads.push(buffer);
    }
  }
  try {
    const h = req.header;
    if (!h || req.frames.length > BOUNDED_FRAMES) return null;
    if (h.sopInstanceUID !== req.expect.sopInstanceUID || h.pixel?.rows !== req.expect.rows || h.pixel?.columns !== req.expect.columns) return null;
    const target = req.targets?.[0];
    if (target && req.frames.length === 1 && readsInPlace(h, req.pixelSpan)) {
      const head = spareHeads.pop() ?? new Uint8Array(HEAD_BYTES);
      try {
        if (await readNative16Into(req.path, h, req.pixelSpan, req.scale, target, head)) return { ok: true, header: h };
      } finally {
        if (spareHeads.length < SPARE_MAX) spareHeads.push(head);
      }
    }
    if (req.targets?.some((t) => !(t instanceof Float32Array))) return null;
    const buffer = spare.pop();
    // Larger files (big multi-frame objects) go to a worker: a turn here stays short.
    const bytes = await readBytes(req.path, SPARE_BYTES, buffer).catch((e) => {
      if (buffer) spare.push(buffer);
      throw e;
    });
    try {
      const layout = analyseFile(bytes, req.path);
      if (!isNativeSyntax(layout.transferSyntaxUID) || layout.sopInstanceUID !== h.sopInstanceUID) return null;
      // readFrames writes into the targets; nothing keeps a view of the file's bytes after it.
      return { ok: true, header: h, frames: await readFrames({ layout, header: h }, req.frames, req.scale, req.targets as Float32Array[] | undefined) };
    } finally {
      const whole = new Uint8Array(bytes.buffer);
      if (whole.length <= SPARE_BYTES && spare.length < SPARE_MAX) spare.push(whole);
    }
  } catch {
    // Changed, truncated, unreadable: the full task decides what to report.
    return null;
  }
}

/** Run one task; failures come back as values (one line, naming the file), never throw. */
export async function runTask(req: TaskRequest): Promise<TaskResult> {
  try {
    if (req.op === 'header') {
      // Headers sit at the start: read the head only, the whole file if the head was not enough.
      const head = await readHead(req.path, HEAD_BYTES);
      if (head.size > head.bytes.length) {
        try {
          const { header, layout } = await parseFile(head.bytes, req.path, head.size);
          return { ok: true, header, pixelSpan: layout.pixelSpan };
        } catch {
          // a header longer than the head, or a deflated dataset: read it all below
        }
      }
      const { header, layout } = await parseFile(head.size > head.bytes.length ? await readBytes(req.path) : head.bytes, req.path);
      return { ok: true, header, pixelSpan: layout.pixelSpan };
    }
    const bytes = await readBytes(req.path);
    // With the scan's header, only the layout is needed — if the bytes still hold that instance.
    const layout = req.header ? analyseFile(bytes, req.path) : null;
    const file = layout && layout.sopInstanceUID === req.header!.sopInstanceUID ? { layout, header: req.header! } : await parseFile(bytes, req.path);
    const h = file.header;
    if (h.sopInstanceUID !== req.expect.sopInstanceUID || h.pixel?.rows !== req.expect.rows || h.pixel?.columns !== req.expect.columns) {
      throw new PipelineError('DICOM_CHANGED', 'changed since it was scanned (different instance or image size)', req.path);
    }
    return { ok: true, header: h, frames: await readFrames(file, req.frames, req.scale, req.targets as Float32Array[] | undefined) };
  } catch (e) {
    return failureOf(e, req.path);
  }
}

/** A thrown error as a one-line failure naming the file. */
function failureOf(e: unknown, path: string): TaskResult {
  if (e instanceof PipelineError) return { ok: false, code: e.code, message: e.message, path };
  const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return { ok: false, code: 'DICOM_UNREADABLE', message: `${path}: ${reason}`, path };
}
