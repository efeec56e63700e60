import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { computeSuvFactors, type PetSuvHeader } from './suv.ts';

const expected = JSON.parse(readFileSync(sharedData('suv-cases', 'EXPECTED.json'), 'utf8')) as {
  tolerance_relative: number;
  suvbw_factor: Record<string, number>;
};

function firstInstance(name: string): PetSuvHeader {
  const list = JSON.parse(readFileSync(sharedData('suv-cases', 'metadata', `${name}-instances.json`), 'utf8')) as PetSuvHeader[];
  return list[0];
}

/** A complete, plausible Siemens-like BQML header: 70 kg, 370 MBq F-18 injected 60 min before the scan. */
const base: PetSuvHeader = {
  Units: 'BQML', DecayCorrection: 'START', CorrectedImage: ['ATTN', 'DECY'],
  SeriesDate: '20240102', SeriesTime: '100000', AcquisitionDate: '20240102', AcquisitionTime: '100000',
  PatientWeight: 70, PatientSex: 'M', RadionuclideTotalDose: 370e6, RadionuclideHalfLife: 6586.2,
  RadiopharmaceuticalStartDateTime: '20240102090000',
};
const sixtyMinFactor = 70_000 / (370e6 * Math.pow(2, -3600 / 6586.2));

describe('computeSuvFactors: published QIBA cases (suv-cases/EXPECTED.json)', () => {
  it('has the 8 cases', () => expect(Object.keys(expected.suvbw_factor)).toHaveLength(8));
  for (const [name, factor] of Object.entries(expected.suvbw_factor)) {
    it(`${name}: SUVbw factor within 1e-3 relative`, () => {
      const r = computeSuvFactors(firstInstance(name));
      expect(r.suvbwFactor, r.warnings.join('; ')).not.toBeNull();
      expect(Math.abs(r.suvbwFactor! - factor) / factor).toBeLessThanOrEqual(expected.tolerance_relative);
      expect(r.alreadySuv).toBe(false);
    });
  }
  it('RADIOPHARM_DATETIME_UNDEFINED says it assumed the scan date', () => {
    const r = computeSuvFactors(firstInstance('RADIOPHARM_DATETIME_UNDEFINED'));
    expect(r.warnings).toContain('SUV: RadiopharmaceuticalStartDateTime missing; assumed injection on the scan date');
  });
  it('series time after acquisition time falls back to the acquisition time and says so', () => {
    const r = computeSuvFactors(firstInstance('CPS_AND_BQML_AC_DT_-_S_DT'));
    expect(r.warnings).toContain('SUV: series time is after acquisition time; used the acquisition time');
  });
});

describe('computeSuvFactors: rules', () => {
  it('BQML, START: weight / decayed dose', () => {
    const r = computeSuvFactors(base);
    expect(r.suvbwFactor).toBeCloseTo(sixtyMinFactor, 12);
    expect(r.warnings).toEqual([]);
  });
  it('ADMIN: no decay of the dose', () => {
    expect(computeSuvFactors({ ...base, DecayCorrection: 'ADMIN' }).suvbwFactor).toBeCloseTo(70_000 / 370e6, 12);
  });
  it('RadiopharmaceuticalStartTime alone (on the scan date) gives the same factor as the date-time', () => {
    const r = computeSuvFactors({ ...base, RadiopharmaceuticalStartDateTime: undefined, RadiopharmaceuticalStartTime: '090000.00' });
    expect(r.suvbwFactor).toBeCloseTo(sixtyMinFactor, 12);
  });
  it('StartTime before midnight with a scan after midnight uses the previous day', () => {
    const r = computeSuvFactors({ ...base, SeriesTime: '003000', AcquisitionTime: '003000', RadiopharmaceuticalStartDateTime: undefined, RadiopharmaceuticalStartTime: '233000' });
    expect(r.suvbwFactor).toBeCloseTo(sixtyMinFactor, 12);
    expect(r.warnings[0]).toMatch(/previous day/);
  });
  it('GE private post-injection date-time is used when the series time is after acquisition', () => {
    const r = computeSuvFactors({ ...base, Manufacturer: 'GE MEDICAL SYSTEMS', SeriesTime: '120000', GEPrivatePostInjectionDateTime: '20240102100000' });
    expect(r.suvbwFactor).toBeCloseTo(sixtyMinFactor, 12);
    expect(r.warnings[0]).toMatch(/GE private/);
  });
  it('the earliest acquisition date-time over the series, when given, is the scan time for a post-processed series', () => {
    const laterBed = { ...base, SeriesTime: '120000', AcquisitionTime: '101500' };
    expect(computeSuvFactors(laterBed).suvbwFactor).toBeCloseTo(70_000 / (370e6 * Math.pow(2, -4500 / 6586.2)), 12);
    expect(computeSuvFactors({ ...laterBed, EarliestAcquisitionDateTime: '20240102100000' }).suvbwFactor).toBeCloseTo(sixtyMinFactor, 12);
  });
  it('Philips CNTS: SUV scale factor wins; activity concentration scale factor scales BQML', () => {
    const philips = { ...base, Units: 'CNTS', Manufacturer: 'Philips' };
    expect(computeSuvFactors({ ...philips, PhilipsPETPrivateGroup: { SUVScaleFactor: '0.000551 ', ActivityConcentrationScaleFactor: '1.6' } }).suvbwFactor).toBe(0.000551);
    expect(computeSuvFactors({ ...philips, PhilipsPETPrivateGroup: { ActivityConcentrationScaleFactor: '1.5' } }).suvbwFactor).toBeCloseTo(1.5 * sixtyMinFactor, 12);
    expect(computeSuvFactors({ ...philips, PhilipsPETPrivateGroup: { SUVScaleFactor: '0', ActivityConcentrationScaleFactor: '2' } }).suvbwFactor).toBeCloseTo(2 * sixtyMinFactor, 12);
  });
  it('GML: factor 1, already SUV', () => {
    const r = computeSuvFactors({ Units: 'GML' });
    expect(r).toMatchObject({ suvbwFactor: 1, alreadySuv: true });
  });
});

describe('computeSuvFactors: SUL (Janmahasatian) and SUVbsa (Du Bois)', () => {
  it('male 80 kg, 1.80 m: LBM 61.7314 kg, BSA 1.99642 m² (hand-computed)', () => {
    const r = computeSuvFactors({ ...base, PatientWeight: 80, PatientSize: 1.8 });
    const bw = 80_000 / (370e6 * Math.pow(2, -3600 / 6586.2));
    expect(r.suvbwFactor).toBeCloseTo(bw, 12);
    // LBM = 9270·80 / (6680 + 216·24.6914) = 61.7314 kg; BSA = 0.007184·80^0.425·180^0.725 = 1.99642 m².
    expect(r.sulFactor! / bw).toBeCloseTo(61.7314 / 80, 5);
    expect(r.suvbsaFactor! / bw).toBeCloseTo((1.99642 * 1e4) / 80_000, 6);
  });
  it('GE case (female 52 kg, 1.65 m): SUL 3.70194e-4, SUVbsa 1.61103e-4 (hand-computed)', () => {
    const r = computeSuvFactors(firstInstance('GE_MEDICAL_AND_BQML'));
    expect(r.sulFactor! / 3.70194e-4).toBeCloseTo(1, 4);
    expect(r.suvbsaFactor! / 1.61103e-4).toBeCloseTo(1, 4);
  });
  it('GML with height: SUL converts SUVbw values', () => {
    const r = computeSuvFactors({ Units: 'GML', PatientWeight: 80, PatientSize: 1.8, PatientSex: 'M' });
    expect(r.sulFactor).toBeCloseTo(61.7314 / 80, 5);
  });
  it('no height: SUL and SUVbsa null, SUVbw still there', () => {
    const r = computeSuvFactors(base);
    expect(r).toMatchObject({ sulFactor: null, suvbsaFactor: null });
    expect(r.suvbwFactor).not.toBeNull();
  });
  it('height in cm by mistake: SUL/SUVbsa unavailable with a warning', () => {
    const r = computeSuvFactors({ ...base, PatientSize: 180 });
    expect(r.sulFactor).toBeNull();
    expect(r.warnings).toEqual(['SUL/SUVbsa unavailable: PatientSize 180 is not a height in metres']);
  });
  it('unknown sex: SUVbsa but no SUL', () => {
    const r = computeSuvFactors({ ...base, PatientSize: 1.8, PatientSex: 'O' });
    expect(r.sulFactor).toBeNull();
    expect(r.suvbsaFactor).not.toBeNull();
  });
});

describe('computeSuvFactors: missing or absurd inputs → null and one clear warning', () => {
  const cases: [string, PetSuvHeader, RegExp][] = [
    ['no weight', { ...base, PatientWeight: undefined }, /^SUV unavailable: PatientWeight missing$/],
    ['weight 0', { ...base, PatientWeight: 0 }, /^SUV unavailable: PatientWeight 0 kg is not plausible$/],
    ['injection after acquisition', { ...base, RadiopharmaceuticalStartDateTime: '20240102110000' }, /^SUV unavailable: injection \(2024-01-02 11:00:00\) is after the scan start \(2024-01-02 10:00:00\)$/],
    ['unknown units', { ...base, Units: 'PROPCNTS' }, /^SUV unavailable: Units 'PROPCNTS' is not BQML, CNTS or GML$/],
    ['no units', { ...base, Units: undefined }, /Units '\(missing\)'/],
    ['zero dose', { ...base, RadionuclideTotalDose: 0 }, /^SUV unavailable: RadionuclideTotalDose 0 is not a positive activity$/],
    ['zero half-life', { ...base, RadionuclideHalfLife: 0 }, /^SUV unavailable: RadionuclideHalfLife 0 is not a positive time$/],
    ['no injection time', { ...base, RadiopharmaceuticalStartDateTime: undefined }, /no usable RadiopharmaceuticalStartDateTime/],
    ['garbage times', { ...base, SeriesTime: 'noon', AcquisitionTime: 'x' }, /no usable series or acquisition/],
    ['injection the week before', { ...base, RadiopharmaceuticalStartDateTime: '20231226090000' }, /more than 10 half-lives/],
    ['DecayCorrection NONE', { ...base, DecayCorrection: 'NONE' }, /DecayCorrection NONE/],
    ['DecayCorrection unknown', { ...base, DecayCorrection: 'LATER' }, /DecayCorrection 'LATER'/],
    ['not attenuation corrected', { ...base, CorrectedImage: ['DECY'] }, /lacks ATTN or DECY/],
    ['CNTS without Philips factors', { ...base, Units: 'CNTS' }, /Units CNTS without a Philips/],
  ];
  for (const [what, header, message] of cases) {
    it(what, () => {
      const r = computeSuvFactors(header);
      expect(r.suvbwFactor).toBeNull();
      expect(r.alreadySuv).toBe(false);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(message);
    });
  }
  it('never throws on a hostile header', () => {
    const hostile = { Units: 42, PatientWeight: 'heavy', CorrectedImage: {}, SeriesDate: null } as unknown as PetSuvHeader;
    expect(() => computeSuvFactors(hostile)).not.toThrow();
    expect(computeSuvFactors(hostile).suvbwFactor).toBeNull();
  });
});
