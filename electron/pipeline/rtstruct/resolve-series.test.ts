import { describe, expect, it } from 'vitest';
import type { SeriesInfo } from '../dicom/types.ts';
import { resolveSeries } from './resolve-series.ts';
import type { StructureSet } from './types.ts';

function series(uid: string, modality: string, frame: string, images: string[] = []): SeriesInfo {
  return {
    seriesInstanceUID: uid, stackId: '', modality, description: '', seriesDate: '', seriesTime: '', manufacturer: '', frameOfReferenceUID: frame,
    size: [2, 2, images.length], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    instances: images.map((u) => ({ path: u, sopClassUID: '1.2', sopInstanceUID: u, frame: 1 })), warnings: [], units: 'HU', suvbwFactor: null,
  };
}

function set(referencedSeriesUIDs: string[], images: string[] = [], frame = 'F'): StructureSet {
  return {
    path: 'RS.dcm', sopInstanceUID: '9', studyInstanceUID: '8', label: '', name: '', frameOfReferenceUID: frame, referencedSeriesUIDs,
    referencedImageUIDs: [], rois: [{ number: 1, name: 'GTV', color: null, interpretedType: '', generation: '', frameOfReferenceUID: frame, contours: [{ geometricType: 'CLOSED_PLANAR', referencedSOPInstanceUIDs: images, points: new Float64Array(9) }] }],
  };
}

describe('resolveSeries', () => {
  const ct = series('CT1', 'CT', 'F', ['a', 'b']);
  const pet = series('PT1', 'PT', 'F', ['c']);
  const mr = series('MR1', 'MR', 'F', ['d']);
  const other = series('CT2', 'CT', 'G', ['e']);

  it('takes the series the structure set names', () => {
    expect(resolveSeries(set(['PT1']), [ct, pet, other])).toEqual({ series: pet, warning: null });
  });

  it('otherwise the series holding the images its contours reference', () => {
    expect(resolveSeries(set([], ['d']), [ct, mr, other])).toEqual({ series: mr, warning: null });
  });

  it('otherwise the only series (or only CT) of its frame of reference, with a warning', () => {
    const r = resolveSeries(set(['OLD']), [pet, other]);
    expect(r.series).toBe(pet);
    expect(r.warning).toBe('references series OLD, not among the scanned files; using PT series PT1, which shares its frame of reference');
    expect(resolveSeries(set(['OLD']), [ct, pet, other]).series).toBe(ct);
  });

  it('refuses to guess between several series of the frame, and says what is missing', () => {
    expect(() => resolveSeries(set(['OLD']), [pet, mr])).toThrow('RS.dcm: references series OLD, not among the scanned files, and 2 series share its frame of reference (PT PT1, MR MR1); pass only the folder of the one to use');
    expect(() => resolveSeries(set(['OLD']), [other])).toThrow('RS.dcm: the images it references (series OLD, frame of reference F) are not among the scanned files; found only CT CT2');
  });
});
