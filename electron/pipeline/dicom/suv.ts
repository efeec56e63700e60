/**
 * PET standardised uptake values: the factor that turns a PET series' values (after Rescale
 * Slope/Intercept) into SUVbw, following the QIBA vendor-neutral pseudo-code, plus SUL
 * (Janmahasatian lean body mass) and SUVbsa when the patient's height is known.
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
}

export interface SuvResult {
  /** Multiply (value × slope + intercept) by this to get SUVbw; null when it cannot be computed. */
  readonly suvbwFactor: number | null;
  /** The same for SUL (lean body mass, Janmahasatian); null without height and sex. */
  readonly sulFactor: number | null;
  /** The same for SUVbsa; null without height. */
  readonly suvbsaFactor: number | null;
  /** True when the stored values already are SUVbw (Units GML): suvbwFactor is then 1. */
  readonly alreadySuv: boolean;
  /** One line each: why SUV is unavailable, or what was assumed. */
  readonly warnings: readonly string[];
}

/** SUV factors of a PET series from its first instance's header. Never throws. */
export function computeSuvFactors(header: PetSuvHeader): SuvResult {
  void header;
  return { suvbwFactor: null, sulFactor: null, suvbsaFactor: null, alreadySuv: false, warnings: ['SUV: not implemented yet'] };
}
