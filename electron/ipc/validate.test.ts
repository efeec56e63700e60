import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from './contract.ts';
import { isChannel, validateRequest } from './validate.ts';

describe('validateRequest', () => {
  it('accepts well-formed requests', () => {
    expect(validateRequest('study:open', { paths: ['/a', '/b'], progressToken: 't1' })).toBeNull();
    expect(validateRequest('app:info', {})).toBeNull();
    expect(validateRequest('structure:save-edits', { studyId: 's', structureId: 'x', mask: new ArrayBuffer(8) })).toBeNull();
    expect(validateRequest('rtstruct:export', {
      studyId: 's', folder: null,
      structures: [{ structureId: 'a', approval: { reviewer: 'Dr Who', approvedAt: '2026-01-01T00:00:00Z' } }],
    })).toBeNull();
    expect(validateRequest('settings:set', { reviewerName: 'A. Reviewer' })).toBeNull();
  });

  it.each([
    ['study:open', { paths: [] }, "study:open: request 'paths' must be a list of 1–10000 items"],
    ['study:open', { paths: [42] }, "study:open: request 'paths' must be item 0: a non-empty string of at most 4096 characters"],
    ['study:open', null, 'study:open: request an object'],
    ['app:info', { extra: 1 }, "app:info: request unexpected field 'extra'"],
    ['study:load-series', { studyId: 's' }, "study:load-series: request missing field 'seriesKey'"],
    ['segment:run', { studyId: 's', device: 'tpu' }, "segment:run: request 'device' must be one of auto, cpu, cuda, dml, coreml"],
    ['structure:create', { studyId: 's', name: 'GTV', color: [255, 0, 256], interpretedType: 'GTV' }, "structure:create: request 'color' must be [r, g, b] with integers 0–255"],
    ['structure:save-edits', { studyId: 's', structureId: 'x', mask: [0, 1] }, "structure:save-edits: request 'mask' must be binary data (ArrayBuffer)"],
    ['rtstruct:export', { studyId: 's', folder: null, structures: [] }, "rtstruct:export: request 'structures' must be a list of 1–1000 items"],
  ] as const)('%s refuses %j', (channel, request, message) => {
    expect(validateRequest(channel, request)).toBe(message);
  });

  it('knows every channel of the contract and nothing else', () => {
    for (const c of CHANNEL_NAMES) expect(isChannel(c)).toBe(true);
    expect(isChannel('fs:read')).toBe(false);
    expect(isChannel(undefined)).toBe(false);
  });
});
