/**
 * Persistent user settings (the reviewer's name), one JSON file written atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../ipc/contract.ts';
import { replaceFileAtomic } from '../pipeline/atomic-file.ts';

const DEFAULTS: Settings = { reviewerName: '' };

/** Settings kept in `file`; a missing or unreadable file gives the defaults. */
export class SettingsStore {
  readonly #file: string;
  #cache: Settings | null = null;

  constructor(file: string) {
    this.#file = file;
  }

  async get(): Promise<Settings> {
    if (this.#cache) return this.#cache;
    try {
      const raw = JSON.parse(await readFile(this.#file, 'utf8')) as Partial<Settings>;
      this.#cache = { reviewerName: typeof raw.reviewerName === 'string' ? raw.reviewerName : DEFAULTS.reviewerName };
    } catch {
      this.#cache = { ...DEFAULTS };
    }
    return this.#cache;
  }

  /** Merge `patch` into the settings and save them. */
  async set(patch: Partial<Settings>): Promise<Settings> {
    const next: Settings = { ...(await this.get()), ...patch };
    await mkdir(path.dirname(this.#file), { recursive: true });
    await replaceFileAtomic(this.#file, JSON.stringify(next, null, 2));
    this.#cache = next;
    return next;
  }
}
