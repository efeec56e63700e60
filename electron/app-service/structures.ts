/**
 * Structures (contours as masks on the planning CT grid) held by the main process. The mask
 * voxels live in the VolumeStore so the renderer fetches them like any volume.
 */
import { randomUUID } from 'node:crypto';
import type { Rgb, RoiGeneration, StructureSummary } from '../ipc/contract.ts';
import { spacingOf } from '../pipeline/volume/geometry.ts';
import type { MaskVolume } from '../pipeline/volume/volume.ts';
import type { VolumeStore } from './volume-store.ts';

/** Everything the service knows about one structure. */
export interface StructureRecord {
  readonly structureId: string;
  readonly studyId: string;
  readonly name: string;
  readonly color: Rgb;
  readonly interpretedType: string;
  readonly generation: RoiGeneration;
  readonly source: StructureSummary['source'];
  /** Came back from the autosave journal. */
  readonly restored?: boolean;
  readonly maskId: string;
  readonly referenceSeriesKey: string;
  readonly model: { readonly name: string; readonly version: string } | null;
}

/** Fields needed to add a structure. */
export type NewStructure = Omit<StructureRecord, 'structureId' | 'maskId'>;

/** Number of non-zero voxels. */
export function countVoxels(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/** Volume of `voxels` voxels of this mask's grid, in ml (cm³). */
export function volumeMl(mask: MaskVolume, voxels: number): number {
  const [sx, sy, sz] = spacingOf(mask.affine);
  return (voxels * sx * sy * sz) / 1000;
}

/** Structures by id, with masks in a VolumeStore. */
export class StructureStore {
  readonly #records = new Map<string, StructureRecord>();
  readonly #volumes: VolumeStore;

  constructor(volumes: VolumeStore) {
    this.#volumes = volumes;
  }

  /** Keep a structure with its mask (stored under the study so closing it frees the mask). */
  add(fields: NewStructure, mask: MaskVolume): StructureSummary {
    const maskId = this.#volumes.add(mask, fields.studyId, { modality: 'SEG', units: 'label' }).id;
    const record: StructureRecord = { ...fields, structureId: randomUUID(), maskId };
    this.#records.set(record.structureId, record);
    return this.summary(record.structureId);
  }

  get(structureId: string): StructureRecord | undefined {
    return this.#records.get(structureId);
  }

  /** The current mask of a structure. */
  mask(structureId: string): MaskVolume {
    const r = this.#records.get(structureId);
    const v = r && this.#volumes.get(r.maskId);
    if (!v || !(v.data instanceof Uint8Array)) throw new RangeError(`no structure ${structureId}`);
    return v as MaskVolume;
  }

  /**
   * Replace a structure's mask with edited voxels (0/1). An AUTOMATIC structure becomes
   * SEMIAUTOMATIC: DICOM says so once a person has changed what the model proposed.
   */
  saveEdits(structureId: string, data: Uint8Array): StructureSummary {
    const r = this.#records.get(structureId);
    if (!r) throw new RangeError(`no structure ${structureId}`);
    const copy = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) copy[i] = data[i] ? 1 : 0;
    this.#volumes.replaceData(r.maskId, copy);
    if (r.generation === 'AUTOMATIC') this.#records.set(structureId, { ...r, generation: 'SEMIAUTOMATIC' });
    return this.summary(structureId);
  }

  /** Change fields other than the mask (e.g. generation after restore). */
  update(structureId: string, fields: Partial<Pick<StructureRecord, 'generation' | 'name' | 'color'>>): void {
    const r = this.#records.get(structureId);
    if (r) this.#records.set(structureId, { ...r, ...fields });
  }

  /** The summary the renderer gets. */
  summary(structureId: string): StructureSummary {
    const r = this.#records.get(structureId);
    if (!r) throw new RangeError(`no structure ${structureId}`);
    const mask = this.mask(structureId);
    const voxels = countVoxels(mask.data);
    return {
      structureId: r.structureId,
      studyId: r.studyId,
      name: r.name,
      color: r.color,
      interpretedType: r.interpretedType,
      generation: r.generation,
      source: r.source,
      restored: r.restored ?? false,
      mask: this.#volumes.handle(r.maskId, { modality: 'SEG', units: 'label' }),
      referenceSeriesKey: r.referenceSeriesKey,
      volumeMl: volumeMl(mask, voxels),
      voxels,
      model: r.model,
    };
  }

  /** Structures of a study, in the order they were added. */
  ofStudy(studyId: string): StructureRecord[] {
    return [...this.#records.values()].filter((r) => r.studyId === studyId);
  }

  /** Forget a study's structures (their masks go with the study's volumes). */
  deleteStudy(studyId: string): void {
    for (const [id, r] of this.#records) if (r.studyId === studyId) this.#records.delete(id);
  }
}
