import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeriesInfo, StudyInfo } from '../dicom/types.ts';
import { affineFrom, type Mat4 } from '../volume/geometry.ts';
import type { MaskVolume } from '../volume/volume.ts';
import { readDataset } from './dicom-file.ts';
import { rasteriseRoi } from './rasterise.ts';
import { readRtstruct } from './reader.ts';
import { writeRtstruct, type WriteRtstructInput } from './writer.ts';

// Everything this file writes goes under one temporary folder, removed at the end.
const TMP = mkdtempSync(path.join(os.tmpdir(), 'delineo-rs-tests-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const FRAME = '1.2.826.0.1.3680043.8.498.1';

function series(size: [number, number, number]): SeriesInfo {
  return {
    seriesInstanceUID: '1.2.826.0.1.3680043.8.498.2', stackId: '', modality: 'CT', description: 'planning CT', seriesDate: '', seriesTime: '',
    manufacturer: 'test', frameOfReferenceUID: FRAME, size, spacing: [0.8, 0.8, 2.5], origin: [-20, -16, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    instances: Array.from({ length: size[2] }, (_, k) => ({ path: `ct${k}.dcm`, sopClassUID: CT_IMAGE, sopInstanceUID: `1.2.826.0.1.3680043.8.498.3.${k + 1}`, frame: 1 })),
    warnings: [], units: 'HU', suvbwFactor: null,
  };
}

const study: Pick<StudyInfo, 'studyInstanceUID' | 'patient' | 'header'> = {
  studyInstanceUID: '1.2.826.0.1.3680043.8.498.4',
  patient: { patientName: 'Müller^Jürgen', patientID: 'STS_002', patientBirthDate: '19600131', patientSex: 'M' },
  header: { studyInstanceUID: '', studyDate: '20240102', studyTime: '093000', studyID: '42', accessionNumber: 'A1', referringPhysicianName: 'Who^Doctor', studyDescription: 'Thigh' },
} as unknown as Pick<StudyInfo, 'studyInstanceUID' | 'patient' | 'header'>;

function mask(size: [number, number, number], affine: Mat4, inside: (i: number, j: number, k: number) => boolean): MaskVolume {
  const data = new Uint8Array(size[0] * size[1] * size[2]);
  let o = 0;
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) data[o++] = inside(i, j, k) ? 1 : 0;
  return { data, size, affine, frameOfReferenceUID: FRAME, modality: 'SEG', units: 'label', sopInstanceUIDs: new Array(size[2]).fill(''), seriesInstanceUID: '' };
}

const size: [number, number, number] = [48, 40, 8];
const A = affineFrom([-20, -16, 40], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.8, 0.8, 2.5]);
const ring = mask(size, A, (i, j, k) => { const r = Math.hypot(i - 24, j - 20); return k >= 2 && k <= 5 && r <= 15 && r >= 6; });
const islands = mask(size, A, (i, j, k) => k === 3 && ((i < 6 && j < 6) || (i > 40 && j > 32)));

function input(extra: Partial<WriteRtstructInput> = {}): WriteRtstructInput {
  return {
    study, series: series(size), grid: ring, softwareVersion: '0.1.0', createdAt: new Date(2026, 0, 2, 3, 4, 5, 600),
    structures: [
      { name: 'GTV', color: [255, 0, 0], mask: ring, generation: 'AUTOMATIC', model: { name: 'petct-mimcmf', version: '1.2.0' } },
      { name: 'GTV islands', color: [0, 128, 255], mask: islands, generation: 'SEMIAUTOMATIC', model: { name: 'petct-mimcmf', version: '1.2.0' }, interpretedType: 'GTV' },
    ],
    ...extra,
  };
}

async function tmp(): Promise<string> {
  return mkdtemp(path.join(TMP, 'delineo-rs-'));
}

describe('writeRtstruct', () => {
  it('writes RS.<SOPInstanceUID>.dcm with the patient, study, a new RT series and unapproved structures', async () => {
    const dir = await tmp();
    const written = await writeRtstruct(input(), dir);
    expect(path.basename(written.path)).toBe(`RS.${written.sopInstanceUID}.dcm`);
    expect(written.sopInstanceUID).toMatch(/^2\.25\.\d{1,39}$/);
    expect(await readdir(dir)).toEqual([path.basename(written.path)]);
    const ds = await readDataset(written.path);
    expect(ds.SpecificCharacterSet).toBe('ISO_IR 192');
    expect(ds.Modality).toBe('RTSTRUCT');
    expect(ds.SeriesDescription).toMatch(/not for clinical use/);
    expect(ds.SeriesInstanceUID).toBe(written.seriesInstanceUID);
    expect(ds.StudyInstanceUID).toBe(study.studyInstanceUID);
    expect((ds.PatientName as { Alphabetic: string }[])[0].Alphabetic).toBe('Müller^Jürgen');
    expect(ds.PatientID).toBe('STS_002');
    expect(ds.StudyDate).toBe('20240102');
    expect(ds.StructureSetLabel).toBe('Delineo');
    expect(ds.StructureSetDate).toBe('20260102');
    expect(ds.StructureSetTime).toBe('030405.600');
    expect(ds.ApprovalStatus).toBe('UNAPPROVED');
    expect(ds.ReviewerName).toBeUndefined();
    const refSeries = (((ds.ReferencedFrameOfReferenceSequence as any[])[0].RTReferencedStudySequence as any[])[0].RTReferencedSeriesSequence as any[])[0];
    expect(refSeries.SeriesInstanceUID).toBe(series(size).seriesInstanceUID);
    expect((refSeries.ContourImageSequence as any[]).map((i) => i.ReferencedSOPInstanceUID)).toEqual(series(size).instances.map((i) => i.sopInstanceUID));
    const rois = ds.StructureSetROISequence as any[];
    expect(rois.map((r) => [r.ROINumber, r.ROIName, r.ROIGenerationAlgorithm])).toEqual([[1, 'GTV', 'AUTOMATIC'], [2, 'GTV islands', 'SEMIAUTOMATIC']]);
    expect(rois[0].ROIGenerationDescription).toBe('petct-mimcmf 1.2.0 (Delineo 0.1.0)');
    expect(rois[1].ROIGenerationDescription).toBe('petct-mimcmf 1.2.0, edited in Delineo');
    const obs = ds.RTROIObservationsSequence as any[];
    expect(obs.map((o) => o.RTROIInterpretedType)).toEqual(['GTV', 'GTV']);
    const contours = (ds.ROIContourSequence as any[])[0].ContourSequence as any[];
    expect(contours).toHaveLength(written.contourCounts[0]);
    expect(written.contourCounts).toEqual([8, 2]); // 4 slices × (outer + hole); two islands
    for (const c of contours) {
      expect(c.ContourGeometricType).toBe('CLOSED_PLANAR');
      expect(c.ContourData).toHaveLength(3 * c.NumberOfContourPoints);
      const z = c.ContourData[2];
      const k = Math.round((z - 40) / 2.5);
      expect(c.ContourImageSequence[0].ReferencedSOPInstanceUID).toBe(`1.2.826.0.1.3680043.8.498.3.${k + 1}`);
      for (let p = 2; p < c.ContourData.length; p += 3) expect(c.ContourData[p]).toBe(z); // planar, on the slice
    }
  });

  it('records approval with reviewer and time', async () => {
    const written = await writeRtstruct(input({ approval: { status: 'APPROVED', reviewerName: 'Curie^Marie', reviewedAt: new Date(2026, 1, 3, 14, 15, 16, 0) } }), await tmp());
    const ds = await readDataset(written.path);
    expect(ds.ApprovalStatus).toBe('APPROVED');
    expect((ds.ReviewerName as { Alphabetic: string }[])[0].Alphabetic).toBe('Curie^Marie');
    expect([ds.ReviewDate, ds.ReviewTime]).toEqual(['20260203', '141516.000']);
  });

  it('reads back and rasterises to the very masks it was given (ring with hole, two islands)', async () => {
    const written = await writeRtstruct(input(), await tmp());
    const set = await readRtstruct(written.path);
    expect(set.rois.map((r) => [r.number, r.name, r.color, r.interpretedType])).toEqual([[1, 'GTV', [255, 0, 0], 'GTV'], [2, 'GTV islands', [0, 128, 255], 'GTV']]);
    const grid = { ...ring, sopInstanceUIDs: series(size).instances.map((i) => i.sopInstanceUID), seriesInstanceUID: series(size).seriesInstanceUID };
    const back = rasteriseRoi(set, set.rois[0], grid);
    expect(back.warnings).toEqual([]);
    expect(Buffer.from(back.mask.data).equals(Buffer.from(ring.data))).toBe(true);
    expect(Buffer.from(rasteriseRoi(set, set.rois[1], grid).mask.data).equals(Buffer.from(islands.data))).toBe(true);
  });

  it('keeps every DS value within 16 bytes on an oblique grid with awkward coordinates', async () => {
    const c = Math.cos(0.3), s = Math.sin(0.3);
    const B = affineFrom([-123.456789123, 98.7654321987, -1234.56789], [[c, s, 0], [-s, c, 0], [0, 0, 1]], [0.9765625, 0.9765625, 3.27]);
    const m = mask(size, B, (i, j, k) => k === 4 && Math.hypot(i - 24, j - 20) < 12);
    const written = await writeRtstruct(input({ grid: m, structures: [{ name: 'GTV', color: [1, 2, 3], mask: m, generation: 'MANUAL' }] }), await tmp());
    const bytes = await readFile(written.path);
    // Contour Data is the only long DS; every value between backslashes must be ≤ 16 bytes.
    const ds = await readDataset(written.path);
    const contour = ((ds.ROIContourSequence as any[])[0].ContourSequence as any[])[0];
    const raw = bytes.toString('latin1');
    const first = String(contour.ContourData[0]);
    expect(raw).toContain(first.slice(0, 8));
    for (const piece of raw.split('\\')) {
      const token = piece.match(/-?[0-9.]+(e[+-]\d+)?$/)?.[0];
      if (token) expect(token.length).toBeLessThanOrEqual(16);
    }
    expect((ds.StructureSetROISequence as any[])[0].ROIGenerationDescription).toBe('drawn in Delineo');
  });

  it('writes a contour of more than 20 000 points (Contour Data ≫ 64 KiB) that reads back whole', async () => {
    // A comb: 500 teeth 20 pixels tall, traced without simplification → ~22 000 vertices.
    const combSize: [number, number, number] = [1002, 26, 1];
    const C = affineFrom([-400.123, -10.5, 12.25], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.8, 0.8, 2.5]);
    const comb = mask(combSize, C, (i, j) => i >= 1 && i <= 1000 && j >= 1 && (j >= 22 ? j <= 24 : i % 2 === 1));
    const written = await writeRtstruct(input({ series: series(combSize), grid: comb, tolerancePx: 0, structures: [{ name: 'comb', color: [9, 9, 9], mask: comb, generation: 'MANUAL' }] }), await tmp());
    const set = await readRtstruct(written.path);
    const points = set.rois[0].contours[0].points;
    expect(points.length / 3).toBeGreaterThan(20000);
    expect(points.length * 4).toBeGreaterThan(65534); // far beyond a 16-bit element length
    const grid = { ...comb, sopInstanceUIDs: series(combSize).instances.map((i) => i.sopInstanceUID), seriesInstanceUID: series(combSize).seriesInstanceUID };
    expect(Buffer.from(rasteriseRoi(set, set.rois[0], grid).mask.data).equals(Buffer.from(comb.data))).toBe(true);
  });

  it('refuses masks off the CT grid, bad names and AUTOMATIC without a model, naming the structure', async () => {
    const dir = await tmp();
    const shifted = { ...ring, affine: affineFrom([-19, -16, 40], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.8, 0.8, 2.5]) };
    await expect(writeRtstruct(input({ structures: [{ name: 'GTV', color: [1, 1, 1], mask: shifted, generation: 'MANUAL' }] }), dir))
      .rejects.toThrow("structure 'GTV': mask is not on the CT grid (resample it to the planning CT first)");
    await expect(writeRtstruct(input({ structures: [{ name: 'a\\b', color: [1, 1, 1], mask: ring, generation: 'MANUAL' }] }), dir))
      .rejects.toThrow(/ROI name must be 1–64 characters without a backslash/);
    await expect(writeRtstruct(input({ structures: [{ name: 'GTV', color: [1, 1, 1], mask: ring, generation: 'AUTOMATIC' }] }), dir))
      .rejects.toThrow("structure 'GTV': AUTOMATIC needs the model name and version");
    await expect(writeRtstruct(input({ series: series([48, 40, 7]) }), dir)).rejects.toThrow(/has 7 images but the CT grid has 8 slices/);
    await expect(writeRtstruct(input({ series: { ...series(size), frameOfReferenceUID: '' } }), dir)).rejects.toThrow(/has no Frame of Reference UID/);
    const twice = input().structures[0];
    await expect(writeRtstruct(input({ structures: [twice, twice] }), dir)).rejects.toThrow("two structures are named 'GTV'; ROI names must be unique");
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps an empty structure as an ROI without contours', async () => {
    const none = mask(size, A, () => false);
    const written = await writeRtstruct(input({ structures: [{ name: 'GTV', color: [1, 1, 1], mask: none, generation: 'MANUAL' }] }), await tmp());
    expect(written.contourCounts).toEqual([0]);
    const set = await readRtstruct(written.path);
    expect(set.rois.map((r) => [r.name, r.contours.length, r.color])).toEqual([['GTV', 0, [1, 1, 1]]]);
  });

  it('stops when aborted and writes nothing', async () => {
    const dir = await tmp();
    const ac = new AbortController();
    ac.abort();
    await expect(writeRtstruct(input(), dir, { signal: ac.signal })).rejects.toThrow(/abort/i);
    expect(await readdir(dir)).toEqual([]);
  });
});
