import { describe, expect, it } from 'vitest';
import type { FileHeader, FrameHeader } from './header.ts';
import { earliestAcquisition, groupStudies } from './group.ts';

let n = 0;
/** A CT slice header at z, with overrides. */
function ct(z: number, over: Partial<FileHeader> = {}, frame: Partial<FrameHeader> = {}): FileHeader {
  n++;
  return {
    path: `/d/${n}.dcm`, transferSyntaxUID: '1.2.840.10008.1.2', sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUID: `1.9.${n}`,
    modality: 'CT',
    patient: { patientName: 'P', patientID: 'ID', patientBirthDate: '', patientSex: '' },
    study: { studyInstanceUID: '1.1', studyDate: '', studyTime: '', studyID: '', accessionNumber: '', referringPhysicianName: '', studyDescription: '' },
    seriesInstanceUID: '1.2', seriesNumber: 1, seriesDescription: 'chest', seriesDate: '', seriesTime: '', manufacturer: 'X', frameOfReferenceUID: '1.3',
    imageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'], instanceNumber: n, acquisitionNumber: 1,
    pixel: { rows: 4, columns: 6, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, highBit: 15, pixelRepresentation: 1, photometricInterpretation: 'MONOCHROME2', planarConfiguration: 0 },
    numberOfFrames: 1,
    frames: [{ frame: 1, position: [0, 0, z], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [0.5, 0.5], rescaleSlope: 1, rescaleIntercept: -1024, stackKey: '', ...frame }],
    sliceThickness: 2, spacingBetweenSlices: null, units: '', rescaleType: '', suv: null, structureSet: null,
    ...over,
  };
}

describe('groupStudies', () => {
  it('splits scouts and other orientations into their own stacks, the main stack first', () => {
    const axial = [0, 2, 4, 6].map((z) => ct(z));
    const scout = ct(0, { imageType: ['ORIGINAL', 'PRIMARY', 'LOCALIZER'] }, { orientation: [0, 1, 0, 0, 0, -1] });
    const coronal = [0, 1].map((y) => ct(0, {}, { position: [0, y, 0], orientation: [1, 0, 0, 0, 0, -1] }));
    const { studies, errors } = groupStudies([scout, ...coronal, ...axial]);
    expect(errors).toEqual([]);
    const stacks = studies[0].series;
    expect(stacks.map((s) => [s.stackId, s.size[2]])).toEqual([['1', 4], ['2', 2], ['3', 1]]);
    expect(stacks[2].instances[0].sopInstanceUID).toBe(scout.sopInstanceUID);
    expect(stacks[0].units).toBe('HU');
  });

  it('splits two acquisitions over the same positions, keeps one acquisition in pieces together', () => {
    const first = [0, 2, 4].map((z) => ct(z, { acquisitionNumber: 1 }));
    const second = [0, 2, 4].map((z) => ct(z, { acquisitionNumber: 2 }));
    expect(groupStudies([...first, ...second]).studies[0].series.map((s) => s.size[2])).toEqual([3, 3]);
    // Different acquisition numbers on disjoint positions (a long scan in two parts) stay one stack.
    const parts = [ct(0, { acquisitionNumber: 1 }), ct(2, { acquisitionNumber: 1 }), ct(4, { acquisitionNumber: 2 }), ct(6, { acquisitionNumber: 2 })];
    expect(groupStudies(parts).studies[0].series.map((s) => s.size[2])).toEqual([4]);
  });

  it('splits enhanced frames by stack and time point', () => {
    const frames: FrameHeader[] = [0, 1].flatMap((t) => [0, 2, 4].map((z, i) => ({
      frame: t * 3 + i + 1, position: [0, 0, z] as const, orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [0.5, 0.5] as const, rescaleSlope: 1, rescaleIntercept: 0, stackKey: `1|${t + 1}`,
    })));
    const file = ct(0, { numberOfFrames: 6, frames });
    const stacks = groupStudies([file]).studies[0].series;
    expect(stacks.map((s) => s.instances.map((i) => i.frame))).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('keeps a series whose images name different studies together, with a warning', () => {
    const slices = [0, 2, 4].map((z, i) => ct(z, { study: { ...ct(0).study, studyInstanceUID: i < 2 ? '7.7' : '8.8' } }));
    const { studies } = groupStudies(slices);
    expect(studies.map((s) => s.studyInstanceUID)).toEqual(['7.7']);
    expect(studies[0].series[0].size[2]).toBe(3);
    expect(studies[0].series[0].warnings[0]).toMatch(/name 2 different Study Instance UIDs; kept as one series under 7\.7/);
  });

  it('lists structure sets and registrations, and reports colour and unplaceable images', () => {
    const rs = ct(0, { modality: 'RTSTRUCT', pixel: null, frames: [], sopClassUID: '1.2.840.10008.5.1.4.1.1.481.3', structureSet: { label: 'GTV', referencedSeriesUID: '1.2' } });
    const reg = ct(0, { modality: 'REG', pixel: null, frames: [], sopClassUID: '1.2.840.10008.5.1.4.1.1.66.1' });
    const colour = ct(0, { pixel: { ...ct(0).pixel!, samplesPerPixel: 3, photometricInterpretation: 'RGB' } });
    const lost = ct(0, {}, { position: null });
    const { studies, errors } = groupStudies([rs, reg, colour, lost, ct(2)]);
    expect(studies[0].structureSets).toEqual([{ path: rs.path, sopInstanceUID: rs.sopInstanceUID, label: 'GTV', referencedSeriesUID: '1.2' }]);
    expect(studies[0].registrations).toEqual([{ path: reg.path, sopInstanceUID: reg.sopInstanceUID }]);
    expect(errors.map((e) => e.message)).toEqual([
      `${colour.path}: colour image (RGB); only greyscale images load as volumes`,
      `${lost.path}: no Image Position/Orientation (Patient); it cannot be placed in 3D`,
    ]);
  });

  it('refuses a stack too large to allocate', () => {
    const huge = ct(0, { pixel: { ...ct(0).pixel!, rows: 65535, columns: 65535 } });
    const [s] = groupStudies([huge]).studies[0].series;
    expect(s.refusal).toMatch(/volume of 65535×65535×1 voxels is larger than the 1073741824-voxel limit/);
  });

  it('finds the earliest acquisition date-time of a multi-bed PET, comparing times as times', () => {
    const bed = (date: string, time: string) => ct(0, { modality: 'PT', suv: { AcquisitionDate: date, AcquisitionTime: time } });
    expect(earliestAcquisition([bed('20200101', '101500'), bed('20200101', '0915'), bed('20200101', '091500.5')])).toBe('202001010915');
    expect(earliestAcquisition([bed('20200102', '000100'), bed('20200101', '235900')])).toBe('20200101235900');
    expect(earliestAcquisition([bed('', '101500')])).toBeUndefined();
  });
});
