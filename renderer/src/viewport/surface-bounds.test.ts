import { describe, expect, it } from 'vitest';
import { maskBounds } from './surface-bounds.ts';

describe('maskBounds', () => {
  it('is the box of the non-zero voxels grown by one, or null for an empty mask', () => {
    const size = [5, 4, 3] as const;
    const m = new Uint8Array(60);
    expect(maskBounds(m, size)).toBeNull();
    m[2 + 5 * (1 + 4 * 1)] = 1; // (2, 1, 1)
    m[3 + 5 * (2 + 4 * 1)] = 1; // (3, 2, 1)
    expect(maskBounds(m, size)).toEqual([1, 4, 0, 3, 0, 2]);
  });
});
