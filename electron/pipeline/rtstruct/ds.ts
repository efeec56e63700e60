/**
 * DICOM Decimal String (DS) formatting: every value fits the VR's 16-byte limit.
 */

/**
 * Format a number as a DS value of at most 16 characters.
 *
 * Fixed notation with up to 6 decimals (micrometres for coordinates in mm), trailing zeros
 * dropped; precision is given up from the right only when the integer part needs the room,
 * and exponential notation is used only beyond what 16 characters can hold in fixed form.
 *
 * @throws RangeError for NaN or ±Infinity, which DS cannot express.
 */
export function formatDS(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`formatDS: ${value} is not a finite number`);
  for (let decimals = 6; decimals >= 0; decimals--) {
    let s = value.toFixed(decimals);
    if (s.includes('e')) break; // toFixed switches to exponent form at 1e21
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    if (s === '-0') s = '0';
    if (s.length <= 16) return s;
  }
  for (let digits = 10; digits >= 0; digits--) {
    const s = value.toExponential(digits);
    if (s.length <= 16) return s;
  }
  throw new RangeError(`formatDS: ${value} cannot be written in 16 characters`);
}
