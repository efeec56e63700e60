import { describe, expect, it } from 'vitest';
import { formatDS } from './ds.ts';

describe('formatDS', () => {
  it.each([
    [0, '0'], [-0, '0'], [1, '1'], [100, '100'], [-12.5, '-12.5'], [0.1 + 0.2, '0.3'],
    [-123.4567891, '-123.456789'], [1e-7, '0'], [-1e-7, '0'], [123456789.123456, '123456789.123456'],
    [-1234567890.123456, '-1234567890.1235'], [12345678901234567, '1.2345678901e+16'],
  ])('%s → %s', (value, expected) => {
    expect(formatDS(value)).toBe(expected);
  });

  it('never exceeds 16 characters and reads back within the kept precision', () => {
    for (const v of [Math.PI * 1e5, -Math.E * 1e9, 1 / 3, -2 / 3 * 1e12, 9.999999999e15, -4.2e-3, 1.5e300, -7.7e-300]) {
      const s = formatDS(v);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - v)).toBeLessThanOrEqual(Math.max(5e-7, Math.abs(v) * 1e-9));
    }
  });

  it('refuses values DS cannot express', () => {
    expect(() => formatDS(NaN)).toThrow(/not a finite number/);
    expect(() => formatDS(Infinity)).toThrow(/not a finite number/);
  });
});
