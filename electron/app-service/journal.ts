/**
 * The edit journal: a snapshot of a study's structures (masks gzip-compressed) written at
 * most ~0.5 s after the last edit, so a crash or kill loses at most that. One folder per
 * journal under the journal root:
 *
 *   <root>/<journalId>/journal.json      metadata (written last, atomically)
 *   <root>/<journalId>/<n>.mask.gz       one mask per structure (written first, atomically)
 *
 * A journal is set aside by renaming its folder (`.discarded`, `.closed`), never deleted: one
 * that fails to restore stays on disk for a person to look at.
 */
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { JournalEntry, Rgb, RoiGeneration, StructureSummary } from '../ipc/contract.ts';
import { replaceFileAtomic } from '../pipeline/atomic-file.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const FORMAT = 'delineo-journal';
const VERSION = 1;
const SOURCES = new Set<string>(['model', 'expert', 'user'] satisfies StructureSummary['source'][]);

/** One structure as journaled. */
export interface JournalStructure {
  readonly name: string;
  readonly color: Rgb;
  readonly interpretedType: string;
  readonly generation: RoiGeneration;
  readonly source: StructureSummary['source'];
  readonly model: { readonly name: string; readonly version: string } | null;
  readonly mask: Uint8Array;
}

/** What a snapshot holds. */
export interface JournalSnapshot {
  readonly studyInstanceUID: string;
  readonly patientName: string;
  readonly studyPaths: readonly string[];
  readonly planningSeriesKey: string;
  readonly structures: readonly JournalStructure[];
}

interface JournalFile {
  format: string;
  version: number;
  journalId: string;
  savedAt: string;
  studyInstanceUID: string;
  patientName: string;
  studyPaths: string[];
  planningSeriesKey: string;
  structures: (Omit<JournalStructure, 'mask'> & { file: string; length: number })[];
}

/** Write one journal's snapshot (masks first, then the metadata that points at them). */
export async function writeJournal(root: string, journalId: string, snap: JournalSnapshot, now = new Date()): Promise<void> {
  const dir = path.join(root, journalId);
  await mkdir(dir, { recursive: true });
  const stamp = now.getTime().toString(36);
  const structures: JournalFile['structures'] = [];
  for (let n = 0; n < snap.structures.length; n++) {
    const { mask, ...rest } = snap.structures[n];
    // A new name per write so journal.json never points at a half-replaced mask.
    const file = `${n}-${stamp}.mask.gz`;
    await replaceFileAtomic(path.join(dir, file), await gzipAsync(mask, { level: 1 }));
    structures.push({ ...rest, file, length: mask.length });
  }
  const meta: JournalFile = {
    format: FORMAT, version: VERSION, journalId, savedAt: now.toISOString(),
    studyInstanceUID: snap.studyInstanceUID, patientName: snap.patientName,
    studyPaths: [...snap.studyPaths], planningSeriesKey: snap.planningSeriesKey, structures,
  };
  await replaceFileAtomic(path.join(dir, 'journal.json'), JSON.stringify(meta, null, 1));
  // Only now that the metadata naming the new masks is durable may the older masks go.
  const keep = new Set(structures.map((s) => s.file));
  for (const f of await readdir(dir)) {
    if (f.endsWith('.mask.gz') && !keep.has(f)) await unlink(path.join(dir, f)).catch(() => {});
  }
}

function problemEntry(journalId: string, savedAt: string, problem: string): JournalEntry {
  return { journalId, savedAt, studyInstanceUID: '', patientName: '', studyPaths: [], structures: [], restorable: false, problem };
}

async function readMeta(root: string, journalId: string): Promise<JournalFile> {
  const file = path.join(root, journalId, 'journal.json');
  let meta: JournalFile;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as JournalFile;
  } catch (e) {
    throw new Error(`${file}: cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (meta.format !== FORMAT || meta.version !== VERSION || !Array.isArray(meta.structures) || !Array.isArray(meta.studyPaths)) {
    throw new Error(`${file}: not a Delineo journal of version ${VERSION}`);
  }
  return meta;
}

/** Journals on disk that are neither discarded nor closed, newest first (broken ones say why). */
export async function listJournals(root: string): Promise<JournalEntry[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const entries: JournalEntry[] = [];
  for (const journalId of names) {
    if (journalId.includes('.')) continue; // set aside (.discarded / .closed) or a temp file
    const dir = path.join(root, journalId);
    if (!(await stat(dir)).isDirectory()) continue;
    try {
      const meta = await readMeta(root, journalId);
      const missing: string[] = [];
      for (const s of meta.structures) {
        try { await stat(path.join(dir, s.file)); } catch { missing.push(s.file); }
      }
      entries.push({
        journalId, savedAt: meta.savedAt, studyInstanceUID: meta.studyInstanceUID, patientName: meta.patientName,
        studyPaths: meta.studyPaths, structures: meta.structures.map((s) => ({ name: s.name, generation: s.generation })),
        restorable: missing.length === 0,
        problem: missing.length ? `${path.join(dir, missing[0])}: mask file missing` : null,
      });
    } catch (e) {
      const savedAt = (await stat(dir)).mtime.toISOString();
      entries.push(problemEntry(journalId, savedAt, e instanceof Error ? e.message : String(e)));
    }
  }
  return entries.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

/** Read a journal back; throws one line naming the file when any part is unreadable. */
export async function readJournal(root: string, journalId: string): Promise<JournalSnapshot & { savedAt: string }> {
  const meta = await readMeta(root, journalId);
  const structures: JournalStructure[] = [];
  for (const s of meta.structures) {
    const file = path.join(root, journalId, s.file);
    let mask: Uint8Array;
    try {
      mask = new Uint8Array(await gunzipAsync(await readFile(file)));
    } catch (e) {
      throw new Error(`${file}: cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    if (mask.length !== s.length) throw new Error(`${file}: ${mask.length} voxels, the journal says ${s.length}`);
    const { file: _f, length: _l, ...rest } = s;
    // Anything but a known origin (an older journal's 'journal') reads as drawn by the user.
    const source = SOURCES.has(rest.source) ? rest.source : 'user';
    structures.push({ ...rest, source, mask });
  }
  return {
    savedAt: meta.savedAt, studyInstanceUID: meta.studyInstanceUID, patientName: meta.patientName,
    studyPaths: meta.studyPaths, planningSeriesKey: meta.planningSeriesKey, structures,
  };
}

/** Set a journal aside (renamed with `suffix`), so it is no longer listed; false if absent. */
export async function setAsideJournal(root: string, journalId: string, suffix: 'discarded' | 'closed'): Promise<boolean> {
  const from = path.join(root, journalId);
  try {
    await stat(from);
  } catch {
    return false;
  }
  await rename(from, `${from}.${suffix}-${Date.now().toString(36)}`);
  return true;
}

/**
 * Debounces snapshot writes per journal: `schedule` after each edit, and the write happens
 * `delayMs` after the last one (never more than `maxDelayMs` after the first), so continuous
 * painting still reaches the disk within a second.
 */
export class JournalWriter {
  readonly #root: string;
  readonly #delayMs: number;
  readonly #maxDelayMs: number;
  readonly #pending = new Map<string, { timer: ReturnType<typeof setTimeout>; first: number; take: () => JournalSnapshot }>();
  #writing: Promise<void> = Promise.resolve();
  /** Called with a one-line message when a write fails (shown to the user; edits stay in memory). */
  onError: (message: string) => void = () => {};

  constructor(root: string, delayMs = 400, maxDelayMs = 900) {
    this.#root = root;
    this.#delayMs = delayMs;
    this.#maxDelayMs = maxDelayMs;
  }

  /** Ask for a snapshot of journal `journalId`; `take` is called when the write happens. */
  schedule(journalId: string, take: () => JournalSnapshot): void {
    const old = this.#pending.get(journalId);
    const first = old?.first ?? Date.now();
    if (old) clearTimeout(old.timer);
    const wait = Math.max(0, Math.min(this.#delayMs, first + this.#maxDelayMs - Date.now()));
    const timer = setTimeout(() => void this.#write(journalId), wait);
    this.#pending.set(journalId, { timer, first, take });
  }

  #write(journalId: string): Promise<void> {
    const p = this.#pending.get(journalId);
    if (!p) return this.#writing;
    clearTimeout(p.timer);
    this.#pending.delete(journalId);
    const snap = p.take();
    // Writes run one after another so two snapshots of one journal never interleave.
    this.#writing = this.#writing.then(() => writeJournal(this.#root, journalId, snap)).catch((e) => {
      this.onError(`autosave failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    });
    return this.#writing;
  }

  /** Write everything pending now (before quitting, closing a study, or in tests). */
  async flush(): Promise<void> {
    for (const id of [...this.#pending.keys()]) void this.#write(id);
    await this.#writing;
  }

  /** Drop a pending write (the journal is being set aside). */
  cancel(journalId: string): void {
    const p = this.#pending.get(journalId);
    if (p) clearTimeout(p.timer);
    this.#pending.delete(journalId);
  }
}
