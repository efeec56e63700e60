/**
 * Finding DICOM files: walk files and folders recursively (symlinks followed, loops and
 * repeats cut by real path), read every header (plain classic images on the caller's thread with
 * our bounded walker, their heads read synchronously in short slices while storage is fast;
 * anything needing dcmjs in the ingest workers), group into studies.
 *
 * Files met while walking a folder that are plainly not DICOM (README, .xml, .nii.gz) are
 * skipped silently — folders of real studies hold them; a file named explicitly by the caller,
 * or one whose name claims DICOM (.dcm, .ima …), that is not DICOM is reported. DICOMDIR itself is skipped: the folder walk
 * already finds every file it indexes.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StageContext } from '../stage.ts';
import { groupStudies } from './group.ts';
import type { FileHeader } from './header.ts';
import { rememberHeader } from './header-cache.ts';
import { ingestPool } from './pool.ts';
import { readHead, readHeadSync, type HeadReader } from './read-file.ts';
import { runBoundedTask } from './tasks.ts';
import type { FileProblem, ScanResult } from './types.ts';

const DICOMDIR_CLASS = '1.2.840.10008.1.3.10';
/** Names that say "I am DICOM": such a file that is not is reported even when found by walking. */
const CLAIMS_DICOM = /\.(dcm|dic|dicom|ima)$/i;
/** Files read at once while scanning (each holds an open handle and a head buffer). */
const SCAN_LANES = 8;

/**
 * How the scan reads heads. The first files go through the pool, and the first heads back
 * decide: when `probeFiles` of them each took at most `fastMs` (a cold pooled head from a local
 * disk: 5–7 ms), storage is fast and the rest are read synchronously — a 16 KB head costs
 * ~20 µs, the pool's four round trips per file ten times that — yielding to the event loop
 * every `sliceMs`. A slower probe, or later one head over `slowMs` (a network share, a
 * spinning disk), leaves the rest of the scan to the pool, where overlapping the waits is what
 * counts, so a stalled share never holds the caller's thread on its first read.
 */
export class HeadPacing {
  private mode: 'probe' | 'sync' | 'pool' = 'probe';
  private fastSeen = 0;
  private sliceStart: number;
  private readonly now: () => number;
  private readonly sliceMs: number;
  private readonly slowMs: number;
  private readonly probeFiles: number;
  private readonly fastMs: number;

  constructor(now: () => number = () => performance.now(), sliceMs = 4, slowMs = 10, probeFiles = 1, fastMs = 10) {
    this.now = now;
    this.sliceMs = sliceMs;
    this.slowMs = slowMs;
    this.probeFiles = probeFiles;
    this.fastMs = fastMs;
    this.sliceStart = now();
  }

  /** The reader for the next file. */
  get reader(): HeadReader {
    return this.mode === 'sync' ? readHeadSync : readHead;
  }

  /** Before each file: lets the event loop turn once the current slice of work is used up. */
  async pace(): Promise<void> {
    if (this.mode !== 'sync' || this.now() - this.sliceStart < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = this.now();
  }

  /**
   * After each file, with the reader it was read with and the time that took. Heads read through
   * the pool after the switch to synchronous reads were already under way: their times (queued
   * behind each other) say nothing about the storage.
   */
  took(ms: number, via: HeadReader): void {
    if (this.mode === 'pool') return;
    if (via === readHeadSync) {
      if (ms > this.slowMs) this.mode = 'pool';
    } else if (this.mode === 'probe') {
      if (ms > this.fastMs) this.mode = 'pool';
      else if (++this.fastSeen >= this.probeFiles) {
        this.mode = 'sync';
        this.sliceStart = this.now();
      }
    }
  }
}

interface Candidate {
  readonly path: string;
  /** Named by the caller (problems are reported) rather than found in a folder. */
  readonly explicit: boolean;
}

/** Collect candidate files under the given paths; unreadable paths become problems. */
export async function collectFiles(paths: readonly string[], ctx: StageContext = {}): Promise<{ files: Candidate[]; errors: FileProblem[] }> {
  const files: Candidate[] = [];
  const errors: FileProblem[] = [];
  const seen = new Set<string>();
  const walk = async (p: string, explicit: boolean): Promise<void> => {
    ctx.signal?.throwIfAborted();
    let real: string;
    try {
      real = await realpath(p);
    } catch (e) {
      if (explicit) errors.push({ path: p, message: `${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : 'cannot be read'}` });
      return;
    }
    if (seen.has(real)) return; // a symlink loop or the same file reached twice
    seen.add(real);
    const info = await stat(real).catch(() => null);
    if (!info) return;
    if (info.isDirectory()) {
      const entries = await readdir(real, { withFileTypes: true }).catch(() => null);
      if (!entries) {
        errors.push({ path: p, message: `${p}: folder cannot be read` });
        return;
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const name = entry.name;
        if (name.startsWith('.')) continue;
        if (entry.isFile()) {
          // A plain file in a folder already resolved: its real path is known without asking
          // the file system twice more (realpath + stat per file was a tenth of a CT's scan).
          const realFile = path.join(real, name);
          if (seen.has(realFile)) continue;
          seen.add(realFile);
          if (name.toUpperCase() !== 'DICOMDIR') files.push({ path: path.join(p, name), explicit: false });
          continue;
        }
        await walk(path.join(p, name), false);
      }
    } else if (info.isFile()) {
      if (path.basename(p).toUpperCase() === 'DICOMDIR') return;
      files.push({ path: p, explicit });
    }
  };
  for (const p of paths) await walk(path.resolve(p), true);
  return { files, errors };
}

/** Scan paths into studies (see index.ts for the contract). */
export async function scan(paths: readonly string[], ctx: StageContext = {}): Promise<ScanResult> {
  const { files, errors } = await collectFiles(paths, ctx);
  const found: { header: FileHeader; order: number }[] = [];
  let done = 0;
  ctx.onProgress?.({ stage: 'scan', done: 0, total: files.length });
  // Plain headers are read here (bounded, no parser); the rest go to the workers, which start
  // only when a file first needs them. A few files at a time keep open handles bounded.
  let next = 0;
  const pacing = new HeadPacing();
  const lane = async () => {
    while (next < files.length) {
      await pacing.pace();
      if (next >= files.length) break;
      const order = next++;
      const file = files[order];
      ctx.signal?.throwIfAborted();
      const req = { op: 'header', path: file.path } as const;
      const t0 = performance.now();
      const reader = pacing.reader;
      const here = await runBoundedTask(req, reader);
      pacing.took(performance.now() - t0, reader);
      const result = here ?? (await ingestPool().run(req, ctx.signal));
      done++;
      ctx.onProgress?.({ stage: 'scan', done, total: files.length, message: path.basename(file.path) });
      if (result.ok) {
        if (result.header.sopClassUID !== DICOMDIR_CLASS) {
          found.push({ header: result.header, order });
          rememberHeader(result.header, result.pixelSpan);
        }
      } else if (file.explicit || result.code !== 'DICOM_NOT_DICOM' || CLAIMS_DICOM.test(file.path)) {
        errors.push({ path: file.path, message: result.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_LANES, files.length) }, lane));
  ctx.signal?.throwIfAborted();
  // The order the files were given (then found), whatever the workers' timing: of two copies
  // of one instance, the first named is kept.
  const headers = found.sort((a, b) => a.order - b.order).map((f) => f.header);
  const grouped = groupStudies(dedupeInstances(headers, errors));
  errors.push(...grouped.errors);
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { studies: grouped.studies, errors };
}

/** The same SOP instance in two files (a copied folder): keep the first, say so. */
function dedupeInstances(headers: FileHeader[], errors: FileProblem[]): FileHeader[] {
  const byUid = new Map<string, FileHeader>();
  const out: FileHeader[] = [];
  for (const h of headers) {
    if (!h.sopInstanceUID) {
      errors.push({ path: h.path, message: `${h.path}: no SOP Instance UID; not a usable DICOM object` });
      continue;
    }
    const first = byUid.get(h.sopInstanceUID);
    if (first) {
      errors.push({ path: h.path, message: `${h.path}: same SOP Instance UID as ${first.path}; the copy is ignored` });
      continue;
    }
    byUid.set(h.sopInstanceUID, h);
    out.push(h);
  }
  return out;
}
