/**
 * Voxel arrays held by the main process and served as raw bytes by id (the `delineo://volume/<id>`
 * protocol in the app, `/volume/<id>` on the e2e bridge). The renderer gets a VolumeHandle that
 * names the id; the bytes never travel as JSON.
 */
import { randomUUID } from 'node:crypto';
import type { Triple, Units, VolumeHandle, VoxelDataType } from '../ipc/contract.ts';
import { spacingOf } from '../pipeline/volume/geometry.ts';
import type { Volume, VoxelArray } from '../pipeline/volume/volume.ts';

interface Entry {
  readonly volume: Volume<VoxelArray>;
  /** Who the volume belongs to (a studyId), so closing a study frees all its volumes. */
  readonly owner: string;
}

/** Name of a typed array's element type in the contract. */
export function dataTypeOf(data: VoxelArray): VoxelDataType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  return 'uint8';
}

/** Holds volumes by id and turns them into handles. */
export class VolumeStore {
  readonly #entries = new Map<string, Entry>();
  readonly #urlBase: string;

  /** @param urlBase prefix of every handle's url, e.g. 'delineo://volume/' or 'http://127.0.0.1:5123/volume/'. */
  constructor(urlBase: string) {
    this.#urlBase = urlBase;
  }

  /** Keep a volume and return its handle. */
  add(volume: Volume<VoxelArray>, owner: string, fields: { modality?: string; units?: Units } = {}): VolumeHandle {
    const id = randomUUID();
    this.#entries.set(id, { volume, owner });
    return this.handle(id, fields);
  }

  /** Replace the voxels of an existing id (same grid and type) — mask edits keep their handle. */
  replaceData(id: string, data: VoxelArray): void {
    const entry = this.#entries.get(id);
    if (!entry) throw new RangeError(`no volume ${id}`);
    if (data.length !== entry.volume.data.length || dataTypeOf(data) !== dataTypeOf(entry.volume.data)) {
      throw new RangeError(`volume ${id}: replacement does not match the grid`);
    }
    this.#entries.set(id, { owner: entry.owner, volume: { ...entry.volume, data } });
  }

  /** The stored volume, or undefined. */
  get(id: string): Volume<VoxelArray> | undefined {
    return this.#entries.get(id)?.volume;
  }

  /** Raw little-endian bytes of a volume (a view, no copy), or undefined for an unknown id. */
  bytes(id: string): Uint8Array | undefined {
    const v = this.#entries.get(id)?.volume;
    return v ? new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength) : undefined;
  }

  /** The handle describing a stored volume. */
  handle(id: string, fields: { modality?: string; units?: Units } = {}): VolumeHandle {
    const entry = this.#entries.get(id);
    if (!entry) throw new RangeError(`no volume ${id}`);
    const v = entry.volume;
    const s = spacingOf(v.affine);
    return {
      id,
      url: this.#urlBase + id,
      dataType: dataTypeOf(v.data),
      byteLength: v.data.byteLength,
      size: [v.size[0], v.size[1], v.size[2]] as Triple,
      spacing: [s[0], s[1], s[2]] as Triple,
      affine: Array.from(v.affine),
      frameOfReferenceUID: v.frameOfReferenceUID,
      modality: fields.modality ?? v.modality,
      units: fields.units ?? v.units,
    };
  }

  /** Forget one volume. */
  delete(id: string): boolean {
    return this.#entries.delete(id);
  }

  /** Forget every volume of an owner; returns how many. */
  deleteOwner(owner: string): number {
    let n = 0;
    for (const [id, e] of this.#entries) if (e.owner === owner && this.#entries.delete(id)) n++;
    return n;
  }

  /** Number of volumes held (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }
}
