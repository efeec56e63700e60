/**
 * PET standardised uptake values: the factor that turns a PET series' values (after Rescale
 * Slope/Intercept) into SUVbw, following the QIBA vendor-neutral pseudo-code, plus SUL
 * (Janmahasatian lean body mass) and SUVbsa (Du Bois body surface area) when the patient's
 * height is known.
 *
 * Reference: QIBA FDG-PET/CT "Vendor-neutral pseudo-code for SUV calculation"
 * (https://qibawiki.rsna.org/index.php/Standardized_Uptake_Value_(SUV)); the scan-time rule
 * (series time unless it is later than the acquisition time, then the GE private
 * post-injection date-time, else the acquisition time) matches the reference implementation
 * whose published factors are our test cases (cornerstonejs/calculate-suv).
 */

/**
 * The attributes SUV needs, keyed by DICOM keyword (as in a naturalized dataset). The
 * radiopharmaceutical fields come from the first item of the Radiopharmaceutical Information
 * Sequence. Times are DICOM TM/DA/DT strings.
 */
export interface PetSuvHeader {
  readonly Units?: string;
  readonly DecayCorrection?: string;
  readonly CorrectedImage?: readonly string[] | string;
  readonly SeriesDate?: string;
  readonly SeriesTime?: string;
  readonly AcquisitionDate?: string;
  readonly AcquisitionTime?: string;
  readonly PatientWeight?: number;
  /** Metres. */
  readonly PatientSize?: number;
  readonly PatientSex?: string;
  readonly RadionuclideTotalDose?: number;
  readonly RadionuclideHalfLife?: number;
  readonly RadiopharmaceuticalStartTime?: string;
  readonly RadiopharmaceuticalStartDateTime?: string;
  readonly FrameReferenceTime?: number;
  readonly ActualFrameDuration?: number;
  readonly Manufacturer?: string;
  /** Philips private (7053,1000) SUV Scale Factor and (7053,1009) Activity Concentration Scale Factor. */
  readonly PhilipsPETPrivateGroup?: { readonly SUVScaleFactor?: string | number; readonly ActivityConcentrationScaleFactor?: string | number };
  /** GE private (0009,100D) scan date-time, used when the series time was reset by post-processing. */
  readonly GEPrivatePostInjectionDateTime?: string;
  /**
   * Optional, from the caller: the earliest AcquisitionDate + AcquisitionTime over all
   * instances of the series, as a DT string. QIBA uses the earliest one when the series time
   * is later than the acquisition (multi-bed scans, post-processed series); without it, this
   * header's own acquisition date/time stands in, which can be minutes late for later beds.
   */
  readonly EarliestAcquisitionDateTime?: string;
}

export interface SuvResult {
  /** Multiply (value × slope + intercept) by this to get SUVbw; null when it cannot be computed. */
  readonly suvbwFactor: number | null;
  /** The same for SUL (lean body mass, Janmahasatian); null without height and sex. */
  readonly sulFactor: number | null;
  /** The same for SUVbsa (Du Bois body surface area, cm²/mL); null without height. */
  readonly suvbsaFactor: number | null;
  /** True when the stored values already are SUVbw (Units GML): suvbwFactor is then 1. */
  readonly alreadySuv: boolean;
  /** One line each: why SUV is unavailable, or what was assumed. */
  readonly warnings: readonly string[];
}

const SECONDS_PER_DAY = 86_400;

/** SUV factors of a PET series from its first instance's header. Never throws. */
export function computeSuvFactors(header: PetSuvHeader): SuvResult {
  const warnings: string[] = [];
  let suvbw: number | null = null;
  let alreadySuv = false;
  try {
    const units = text(header.Units).toUpperCase();
    if (units === 'GML') {
      alreadySuv = true;
      suvbw = 1;
    } else {
      suvbw = activityToSuvbw(header, units, warnings);
    }
  } catch (e) {
    // Defensive: a malformed header must never stop a series from loading in raw units.
    warnings.push(`SUV unavailable: ${e instanceof Error ? e.message : String(e)}`);
    suvbw = null;
  }
  const body = bodySizeFactors(header, warnings);
  return {
    suvbwFactor: suvbw,
    sulFactor: suvbw !== null && body.lbmOverWeight !== null ? suvbw * body.lbmOverWeight : null,
    suvbsaFactor: suvbw !== null && body.bsaOverWeight !== null ? suvbw * body.bsaOverWeight : null,
    alreadySuv,
    warnings,
  };
}

/** SUVbw factor for activity-valued series (BQML, CNTS); null + warning when not computable. */
function activityToSuvbw(h: PetSuvHeader, units: string, warnings: string[]): number | null {
  const fail = (why: string): null => { warnings.push(`SUV unavailable: ${why}`); return null; };
  if (units !== 'BQML' && units !== 'CNTS') return fail(`Units '${text(h.Units) || '(missing)'}' is not BQML, CNTS or GML`);

  const corrected = Array.isArray(h.CorrectedImage) ? h.CorrectedImage.map(text) : text(h.CorrectedImage as string | undefined).split('\\').filter(Boolean);
  if (corrected.length === 0) warnings.push('SUV: CorrectedImage missing; assumed attenuation- and decay-corrected');
  else if (!corrected.includes('ATTN') || !corrected.includes('DECY')) return fail(`CorrectedImage ${corrected.join('\\')} lacks ATTN or DECY`);

  if (units === 'CNTS') {
    // Philips: (7053,1000) scales stored counts straight to SUVbw; without it, (7053,1009)
    // scales them to Bq/mL and we proceed as for BQML.
    const suvScale = positive(h.PhilipsPETPrivateGroup?.SUVScaleFactor);
    if (suvScale !== null) return suvScale;
    const acScale = positive(h.PhilipsPETPrivateGroup?.ActivityConcentrationScaleFactor);
    if (acScale === null) return fail('Units CNTS without a Philips SUV or activity concentration scale factor (7053,1000/1009)');
    const bqml = bqmlToSuvbw(h, warnings);
    return bqml === null ? null : bqml * acScale;
  }
  return bqmlToSuvbw(h, warnings);
}

/** weight (g) / decay-corrected injected dose (Bq), the QIBA SUVbw factor for Bq/mL values. */
function bqmlToSuvbw(h: PetSuvHeader, warnings: string[]): number | null {
  const fail = (why: string): null => { warnings.push(`SUV unavailable: ${why}`); return null; };
  const weight = finite(h.PatientWeight);
  if (weight === null) return fail('PatientWeight missing');
  if (weight <= 0 || weight > 500) return fail(`PatientWeight ${weight} kg is not plausible`);
  const dose = finite(h.RadionuclideTotalDose);
  if (dose === null || dose <= 0) return fail(`RadionuclideTotalDose ${dose ?? '(missing)'} is not a positive activity`);
  const halfLife = finite(h.RadionuclideHalfLife);
  if (halfLife === null || halfLife <= 0) return fail(`RadionuclideHalfLife ${halfLife ?? '(missing)'} is not a positive time`);

  const decay = text(h.DecayCorrection).toUpperCase();
  let decayedDose: number;
  if (decay === 'ADMIN') {
    // Images are decay-corrected to the administration time: the full dose applies.
    decayedDose = dose;
  } else if (decay === 'START') {
    const scan = scanDateTime(h, warnings);
    if (scan === null) return fail('no usable series or acquisition date/time');
    const start = injectionDateTime(h, scan, warnings);
    if (start === null) return fail('no usable RadiopharmaceuticalStartDateTime or StartTime');
    const elapsed = scan - start;
    if (elapsed < 0) return fail(`injection (${formatSeconds(start)}) is after the scan start (${formatSeconds(scan)})`);
    if (elapsed > 10 * halfLife) return fail(`${(elapsed / 3600).toFixed(1)} h between injection and scan is more than 10 half-lives`);
    decayedDose = dose * Math.pow(2, -elapsed / halfLife);
  } else if (decay === 'NONE') {
    // Each bed position would need its own decay factor; one series factor would be wrong.
    return fail('DecayCorrection NONE (images not decay-corrected) is not supported');
  } else {
    return fail(`DecayCorrection '${text(h.DecayCorrection) || '(missing)'}' is not START, ADMIN or NONE`);
  }
  return (weight * 1000) / decayedDose;
}

/**
 * Scan start in seconds since the epoch: the series date-time unless it is later than the
 * acquisition date-time (post-processed series, Siemens multi-bed), then GE's private
 * post-injection date-time, else the acquisition date-time.
 */
function scanDateTime(h: PetSuvHeader, warnings: string[]): number | null {
  const series = combine(h.SeriesDate, h.SeriesTime);
  const earliest = h.EarliestAcquisitionDateTime ? parseDT(h.EarliestAcquisitionDateTime) : null;
  const acquisition = earliest ?? combine(h.AcquisitionDate ?? h.SeriesDate, h.AcquisitionTime);
  if (series !== null && (acquisition === null || series <= acquisition)) return series;
  if (acquisition === null) return null;
  const ge = h.GEPrivatePostInjectionDateTime ? parseDT(h.GEPrivatePostInjectionDateTime) : null;
  if (ge !== null) {
    warnings.push('SUV: series time is after acquisition time; used the GE private scan date-time (0009,100D)');
    return ge;
  }
  if (series !== null) warnings.push('SUV: series time is after acquisition time; used the acquisition time');
  return acquisition;
}

/** Injection time in seconds since the epoch; falls back to StartTime on the scan's date. */
function injectionDateTime(h: PetSuvHeader, scan: number, warnings: string[]): number | null {
  const dt = h.RadiopharmaceuticalStartDateTime ? parseDT(h.RadiopharmaceuticalStartDateTime) : null;
  if (dt !== null) return dt;
  const time = parseTM(h.RadiopharmaceuticalStartTime);
  if (time === null) return null;
  const scanDay = Math.floor(scan / SECONDS_PER_DAY) * SECONDS_PER_DAY;
  let start = scanDay + time;
  // An injection late in the evening before an after-midnight scan.
  if (start > scan && start - SECONDS_PER_DAY >= scan - SECONDS_PER_DAY / 2) {
    start -= SECONDS_PER_DAY;
    warnings.push('SUV: RadiopharmaceuticalStartDateTime missing; injection time is after the scan time, assumed the previous day');
  } else {
    warnings.push('SUV: RadiopharmaceuticalStartDateTime missing; assumed injection on the scan date');
  }
  return start;
}

/** LBM/weight (Janmahasatian) and BSA(cm²)/weight(g) (Du Bois), when height and sex allow. */
function bodySizeFactors(h: PetSuvHeader, warnings: string[]): { lbmOverWeight: number | null; bsaOverWeight: number | null } {
  const none = { lbmOverWeight: null, bsaOverWeight: null };
  const weight = finite(h.PatientWeight);
  const height = finite(h.PatientSize);
  if (weight === null || weight <= 0 || weight > 500 || height === null || height === 0) return none;
  if (height < 0.3 || height > 2.6) {
    warnings.push(`SUL/SUVbsa unavailable: PatientSize ${height} is not a height in metres`);
    return none;
  }
  const bsaM2 = 0.007184 * Math.pow(weight, 0.425) * Math.pow(height * 100, 0.725);
  const bsaOverWeight = (bsaM2 * 10_000) / (weight * 1000);
  const bmi = weight / (height * height);
  const sex = text(h.PatientSex).toUpperCase();
  let lbm: number | null = null;
  if (sex === 'M') lbm = (9270 * weight) / (6680 + 216 * bmi);
  else if (sex === 'F') lbm = (9270 * weight) / (8780 + 244 * bmi);
  else warnings.push(`SUL unavailable: PatientSex '${text(h.PatientSex) || '(missing)'}' is not M or F`);
  return { lbmOverWeight: lbm === null ? null : lbm / weight, bsaOverWeight };
}

/** Seconds since the epoch of a DA + TM pair (UTC arithmetic; both share the scanner's zone). */
function combine(da: string | undefined, tm: string | undefined): number | null {
  const day = parseDA(da);
  const time = parseTM(tm);
  return day === null || time === null ? null : day + time;
}

/** DA 'YYYYMMDD' (or legacy 'YYYY.MM.DD') → seconds since the epoch at midnight. */
function parseDA(da: string | undefined): number | null {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(text(da));
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** TM 'HHMMSS.FFFFFF' (minutes, seconds, fraction optional; legacy colons tolerated) → seconds. */
function parseTM(tm: string | undefined): number | null {
  const m = /^(\d{2}):?(\d{2})?:?(\d{2})?(?:\.(\d{1,6}))?$/.exec(text(tm));
  if (!m) return null;
  const [hh, mm, ss] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  if (hh > 23 || mm > 59 || ss > 60) return null;
  return hh * 3600 + mm * 60 + ss + (m[4] ? Number(`0.${m[4]}`) : 0);
}

/**
 * DT 'YYYYMMDDHHMMSS.FFFFFF&ZZXX' → seconds since the epoch. The UTC offset is ignored on
 * purpose: series and acquisition times (TM) carry none, so all times stay in local time.
 */
function parseDT(dt: string): number | null {
  const m = /^(\d{8})(\d{2,6}(?:\.\d{1,6})?)?(?:[+-]\d{4})?$/.exec(text(dt));
  if (!m) return null;
  return combine(m[1], m[2] ?? '00');
}

function formatSeconds(s: number): string {
  return new Date(s * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

function text(v: string | undefined): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** A number from a DICOM value that may be a DS string; null when missing or not finite. */
function finite(v: number | string | undefined): number | null {
  const n = typeof v === 'string' ? (v.trim() === '' ? NaN : Number(v)) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function positive(v: number | string | undefined): number | null {
  const n = finite(v);
  return n !== null && n > 0 ? n : null;
}
