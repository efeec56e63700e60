import { mkdtemp, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { readRtstruct } from './reader.ts';

// Everything this file writes goes under one temporary folder, removed at the end.
const TMP = mkdtempSync(path.join(os.tmpdir(), 'delineo-rs-tests-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('readRtstruct on real structure sets', () => {
  it('reads the 10 ROIs of a real planning-system file with names, colours, types and 441 contours', async () => {
    const set = await readRtstruct(sharedData('rtstruct', 'dicompyler', 'rtss.dcm'));
    expect(set.label).toBe('CT_1');
    expect(set.referencedSeriesUIDs).toEqual(['2.16.840.1.113662.2.12.0.3057.1241703565.43']);
    expect(set.referencedImageUIDs).toHaveLength(98);
    expect(set.rois.map((r) => [r.number, r.name, r.interpretedType, r.contours.length])).toEqual([
      [1, 'BODY', 'EXTERNAL', 141], [2, 'Areola', 'AVOIDANCE', 0], [3, 'Borders', 'CTV', 2], [4, 'Breast', 'GTV', 48],
      [5, 'Heart', 'ORGAN', 33], [6, 'Lt Lung', 'AVOIDANCE', 165], [7, 'Nodes', 'AVOIDANCE', 4], [8, 'Scar', 'AVOIDANCE', 6],
      [9, 'Tumor Bed', 'CTV', 18], [10, 'Tumor Bed Block', 'GTV', 24],
    ]);
    expect(set.rois[3].color).toEqual([255, 128, 128]);
    const c = set.rois[0].contours[0];
    expect(c.geometricType).toBe('CLOSED_PLANAR');
    expect(c.referencedSOPInstanceUIDs).toEqual(['2.16.840.1.113662.2.12.0.3057.1241703565.529']);
    expect(c.points.length % 3).toBe(0);
    for (let p = 5; p < c.points.length; p += 3) expect(c.points[p]).toBe(c.points[2]); // planar in z
  });

  it('reads a MIM-written GTV with its frame of reference and referenced (original) CT series', async () => {
    const set = await readRtstruct(sharedData('real-sts-002', 'CT', 'dicom', 'mask', 'RS.dcm'));
    expect(set.rois.map((r) => [r.name, r.interpretedType, r.generation, r.contours.length])).toEqual([['GTV_Mass_CT', 'GTV', 'MANUAL', 16]]);
    expect(set.frameOfReferenceUID).toBe('1.3.6.1.4.1.14519.5.2.1.5168.1900.114679355310645018817373178374');
    expect(set.referencedSeriesUIDs).toEqual(['1.3.6.1.4.1.14519.5.2.1.5168.1900.213265084688298564549535817201']);
    expect(set.referencedImageUIDs).toHaveLength(267);
  });

  it('keeps POINT contours (isocentres) with their geometric type', async () => {
    const set = await readRtstruct(sharedData('malformed', 'rtstruct.dcm'));
    expect(set.rois.map((r) => r.name)).toEqual(['patient', 'Isocenter 1', 'Isocenter 2']);
    expect(set.rois[1].contours[0].geometricType).toBe('POINT');
    expect(set.rois[1].contours[0].points).toHaveLength(3);
  });

  it('lists the ROIs of a structure set whose contours point at images that do not exist', async () => {
    const set = await readRtstruct(sharedData('rtstruct', 'rt-utils', 'mock_data', 'non_existent_reference_rt.dcm'));
    expect(set.referencedSeriesUIDs).toEqual([]);
    expect(set.rois.map((r) => r.name)).toEqual(['ROI-1', 'ROI-2', 'ROI-3', 'ROI-4']);
  });

  it('says in one line, naming the file, what is wrong with a file that is not a structure set', async () => {
    const ct = sharedData('rtstruct', 'rt-utils', 'mock_data', 'ct_1.dcm');
    await expect(readRtstruct(ct)).rejects.toThrow(`${ct}: not an RT Structure Set (SOP Class 1.2.840.10008.5.1.4.1.1.2, Modality CT)`);
    const dir = await mkdtemp(path.join(TMP, 'delineo-rs-read-'));
    const text = path.join(dir, 'notes.dcm');
    await writeFile(text, 'just text, not DICOM');
    await expect(readRtstruct(text)).rejects.toThrow(`${text}: not a DICOM file`);
    const empty = path.join(dir, 'empty.dcm');
    await writeFile(empty, '');
    await expect(readRtstruct(empty)).rejects.toThrow(`${empty}: not a DICOM file`);
    await expect(readRtstruct(path.join(dir, 'missing.dcm'))).rejects.toThrow(/missing\.dcm: cannot open \(ENOENT\)/);
    const truncated = sharedData('malformed', 'rtplan_truncated.dcm');
    await expect(readRtstruct(truncated)).rejects.toThrow(new RegExp(`^${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });
});
