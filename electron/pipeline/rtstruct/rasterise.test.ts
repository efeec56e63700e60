import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { scanPaths } from '../dicom/index.ts';
import type { SeriesInfo } from '../dicom/types.ts';
import { rasteriseStructureSet } from './labels.ts';
import { gridOfSeries, rasteriseRoi } from './rasterise.ts';
import { readRtstruct } from './reader.ts';
import { resolveSeries } from './resolve-series.ts';
import type { Roi, StructureSet } from './types.ts';

const RTU = (...p: string[]) => sharedData('rtstruct', 'rt-utils', ...p);

async function seriesIn(dir: string): Promise<SeriesInfo[]> {
  return (await scanPaths([dir])).studies.flatMap((s) => s.series);
}

function square(z: number, a: number, b: number, refs: string[] = []): Roi['contours'][number] {
  return { geometricType: 'CLOSED_PLANAR', referencedSOPInstanceUIDs: refs, points: Float64Array.from([a, a, z, b, a, z, b, b, z, a, b, z]) };
}

function synthetic(rois: Partial<Roi>[], extra: Partial<StructureSet> = {}): StructureSet {
  return {
    path: '/data/RS.test.dcm', sopInstanceUID: '1.9', studyInstanceUID: '1.8', label: 'x', name: '', frameOfReferenceUID: 'F1',
    referencedSeriesUIDs: ['S1'], referencedImageUIDs: [],
    rois: rois.map((r, n) => ({ number: n + 1, name: `R${n + 1}`, color: null, interpretedType: '', generation: '', frameOfReferenceUID: 'F1', contours: [], ...r })),
    ...extra,
  };
}

// A 10 × 10 × 3 grid, 1 mm pixels, slices at z = 0, 2, 4.
const grid = {
  size: [10, 10, 3] as const,
  affine: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]),
  frameOfReferenceUID: 'F1', sopInstanceUIDs: ['I0', 'I1', 'I2'], seriesInstanceUID: 'S1',
};
const count = (d: Uint8Array, v = 1) => d.reduce((s, x) => s + (x === v ? 1 : 0), 0);

describe('rasteriseRoi', () => {
  it('fills nested contours even-odd on the slice they lie on', () => {
    const set = synthetic([{ contours: [square(2, 1.5, 7.5, ['I1']), square(2, 3.5, 5.5, ['I1'])] }]);
    const r = rasteriseRoi(set, set.rois[0], grid);
    expect(r.warnings).toEqual([]);
    expect(count(r.mask.data)).toBe(36 - 4); // 6×6 centres inside the outer square, 2×2 in the hole
    expect(count(r.mask.data.subarray(100, 200))).toBe(32); // all on slice k = 1
  });

  it('rejects a contour that references an image the series does not have', () => {
    const set = synthetic([{ name: 'GTV', contours: [square(2, 1.5, 7.5, ['I9'])] }]);
    expect(() => rasteriseRoi(set, set.rois[0], grid)).toThrow("/data/RS.test.dcm: ROI 'GTV' contour 1 references image I9, which is not in series S1 (3 images)");
  });

  it('rejects another frame of reference unless image references tie the ROI to the series', () => {
    const other = synthetic([{ name: 'GTV', frameOfReferenceUID: 'F2', contours: [square(2, 1.5, 7.5)] }], { frameOfReferenceUID: 'F2' });
    expect(() => rasteriseRoi(other, other.rois[0], grid)).toThrow(/ROI 'GTV' is in frame of reference F2, series S1 in F1, and its contours do not all reference/);
    const tied = synthetic([{ name: 'GTV', frameOfReferenceUID: 'F2', contours: [square(2, 1.5, 7.5, ['I1'])] }], { frameOfReferenceUID: 'F2' });
    expect(rasteriseRoi(tied, tied.rois[0], grid).warnings).toEqual([expect.stringMatching(/frame of reference F2 differs .* placed on them/)]);
  });

  it('places by position, with a warning, on another series of the same frame', () => {
    const set = synthetic([{ name: 'GTV', contours: [square(4, 1.5, 7.5, ['X1'])] }], { referencedSeriesUIDs: ['S0'] });
    const r = rasteriseRoi(set, set.rois[0], grid);
    expect(count(r.mask.data.subarray(200, 300))).toBe(36);
    expect(r.warnings).toEqual(["ROI 'GTV': image references not checked (they point into series S0); placed by position"]);
  });

  it('skips points and open contours, and reports contours beyond the grid or off the slice planes', () => {
    const point = { geometricType: 'POINT', referencedSOPInstanceUIDs: [], points: Float64Array.from([1, 1, 2]) };
    const set = synthetic([{ name: 'GTV', contours: [point, square(40, 1.5, 7.5), square(2.9, 1.5, 7.5)] }]);
    const r = rasteriseRoi(set, set.rois[0], grid);
    expect(r.warnings).toEqual([
      "ROI 'GTV': 1 contour(s) that are not CLOSED_PLANAR (points, open lines) skipped",
      "ROI 'GTV': 1 of 2 contours lie outside the image grid and were left out",
      "ROI 'GTV': contours lie up to 0.90 mm from the nearest slice plane (snapped to it)",
    ]);
    expect(count(r.mask.data.subarray(100, 200))).toBe(36);
  });
});

describe('rasteriseStructureSet', () => {
  it('gives every ROI its label in ROI order, reports overlaps, and lists names for an unknown ROI', () => {
    const set = synthetic([{ name: 'A', contours: [square(0, 0.5, 4.5)] }, { name: 'B', contours: [square(0, 3.5, 6.5)] }, { name: 'empty' }]);
    const all = rasteriseStructureSet(set, grid);
    expect(all.labels).toEqual([
      { label: 1, roiNumber: 1, name: 'A', voxels: 16 - 1 }, { label: 2, roiNumber: 2, name: 'B', voxels: 9 }, { label: 3, roiNumber: 3, name: 'empty', voxels: 0 },
    ]);
    expect(all.warnings).toEqual(["ROI 'empty' has no contours", "1 voxels belong to more than one ROI; the later ROI's label was kept"]);
    const one = rasteriseStructureSet(set, grid, 'b');
    expect(one.labels).toEqual([{ label: 1, roiNumber: 2, name: 'B', voxels: 9 }]);
    expect(() => rasteriseStructureSet(set, grid, 'GTV')).toThrow("/data/RS.test.dcm: no ROI named 'GTV'; available: 'A', 'B', 'empty'");
  });

  it('reports progress per ROI and stops when aborted', () => {
    const set = synthetic([{ name: 'A', contours: [square(0, 0.5, 4.5)] }, { name: 'B' }]);
    const seen: string[] = [];
    rasteriseStructureSet(set, grid, undefined, { onProgress: (p) => seen.push(`${p.stage} ${p.done}/${p.total} ${p.message}`) });
    expect(seen).toEqual(['rasterise 1/2 A', 'rasterise 2/2 B']);
    const ac = new AbortController();
    ac.abort();
    expect(() => rasteriseStructureSet(set, grid, undefined, { signal: ac.signal })).toThrow(/abort/i);
  });
});

describe('real structure sets with broken references (rt-utils fixtures)', () => {
  it('rasterises the valid one onto the two mock CT slices it references', async () => {
    const set = await readRtstruct(RTU('mock_data', 'rt.dcm'));
    const { series, warning } = resolveSeries(set, await seriesIn(RTU('mock_data')));
    expect(warning).toBeNull();
    const r = rasteriseStructureSet(set, gridOfSeries(series));
    expect(r.labels).toEqual([{ label: 1, roiNumber: 1, name: 'ROI-1', voxels: 1443 }]);
  });

  it('refuses contours that reference images missing from the referenced series, naming them', async () => {
    for (const file of ['invalid_reference_rt.dcm', 'non_existent_reference_rt.dcm']) {
      const set = await readRtstruct(RTU('mock_data', file));
      const { series } = resolveSeries(set, await seriesIn(RTU('mock_data')));
      expect(() => rasteriseStructureSet(set, gridOfSeries(series))).toThrow(
        `${RTU('mock_data', file)}: ROI 'ROI-1' contour 1 references image 2.16.840.1.114362.1.11940992.23790159890.563423471.995.90, which is not in series 2.16.840.1.114362.1.11940992.23790159890.563423471.893.88 (2 images)`);
    }
  });

  it('says which images are missing when the structure set comes without them', async () => {
    const set = await readRtstruct(RTU('empty', 'dummy_rt.dcm'));
    expect(() => resolveSeries(set, [])).toThrow(/dummy_rt\.dcm: the images it references \(series 2\.16\.840\.1\.114362\.1\.11940992\.23790159890\.563423471\.893\.88, frame of reference .*\) are not among the scanned files; no image series found$/);
    const rtss = sharedData('rtstruct', 'dicompyler', 'rtss.dcm');
    const real = await readRtstruct(rtss);
    const { series } = resolveSeries(real, await seriesIn(sharedData('rtstruct', 'dicompyler')));
    expect(() => rasteriseStructureSet(real, gridOfSeries(series))).toThrow(/rtss\.dcm: ROI 'BODY' contour 1 references image .*, which is not in series .* \(1 images\)/);
  });
});
