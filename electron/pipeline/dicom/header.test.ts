import { describe, expect, it } from 'vitest';
import { extractHeader } from './header.ts';

const pet = (extra: Record<string, unknown>) =>
  extractHeader({ values: { Modality: 'PT', SOPInstanceUID: '1.2', Units: 'CNTS', PatientWeight: 70, RadiopharmaceuticalInformationSequence: [{ RadionuclideTotalDose: 3.7e8, RadionuclideHalfLife: 6586.2, RadiopharmaceuticalStartTime: '101500' }], ...extra } }, 'p.dcm', '1.2.840.10008.1.2', false);

describe('extractHeader', () => {
  it('takes the Philips SUV scale factors only under their private creator', () => {
    const withCreator = pet({ '70530010': 'Philips PET Private Group', '70531000': 0.000728, '70531009': 1.2 });
    expect(withCreator.suv?.PhilipsPETPrivateGroup).toEqual({ SUVScaleFactor: 0.000728, ActivityConcentrationScaleFactor: 1.2 });
    expect(withCreator.suv?.RadionuclideTotalDose).toBe(3.7e8);
    const someoneElse = pet({ '70530010': 'ACME 1.0', '70531000': 5 });
    expect(someoneElse.suv?.PhilipsPETPrivateGroup).toBeUndefined();
  });

  it('reads GE\'s post-injection date-time only under GEMS_PETD_01', () => {
    expect(pet({ '00090010': 'GEMS_PETD_01', '0009100D': '20200101101500' }).suv?.GEPrivatePostInjectionDateTime).toBe('20200101101500');
    expect(pet({ '00090010': 'OTHER', '0009100D': '20200101101500' }).suv?.GEPrivatePostInjectionDateTime).toBeUndefined();
  });

  it('gives classic images one frame from the top-level geometry and rescale', () => {
    const h = extractHeader({ values: { Modality: 'CT', Rows: 2, Columns: 3, ImagePositionPatient: [1, 2, 3], ImageOrientationPatient: [1, 0, 0, 0, 1, 0], PixelSpacing: [0.5, 0.7], RescaleSlope: 2, RescaleIntercept: -1024 } }, 'c.dcm', '1.2.840.10008.1.2', true);
    expect(h.frames).toEqual([{ frame: 1, position: [1, 2, 3], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [0.5, 0.7], rescaleSlope: 2, rescaleIntercept: -1024, stackKey: '' }]);
    expect(h.pixel).toMatchObject({ rows: 2, columns: 3, bitsAllocated: 16, pixelRepresentation: 0 });
  });

  it('has no pixel module for an object without Pixel Data', () => {
    expect(extractHeader({ values: { Modality: 'RTSTRUCT', Rows: 2, Columns: 3 } }, 'r.dcm', '1.2.840.10008.1.2', false).pixel).toBeNull();
  });
});
