/**
 * Argument checks for every request channel. The renderer is treated as untrusted (a
 * compromised page must not reach the file system through a malformed request), so the main
 * process and the e2e bridge both run these before a handler sees the request.
 * No Node or DOM imports: plain checks on structured-clone values.
 */
import { CHANNEL_NAMES, type Channel } from './contract.ts';

type Check = (v: unknown) => string | null;

const MAX_TEXT = 4096;
const MAX_PATHS = 10_000;

const str = (max = MAX_TEXT): Check => (v) => (typeof v === 'string' && v.length <= max ? null : `a string of at most ${max} characters`);
const nonEmpty = (max = MAX_TEXT): Check => (v) => (typeof v === 'string' && v.length > 0 && v.length <= max ? null : `a non-empty string of at most ${max} characters`);
const oneOf = (...values: string[]): Check => (v) => (typeof v === 'string' && values.includes(v) ? null : `one of ${values.join(', ')}`);
const nullable = (c: Check): Check => (v) => (v === null ? null : c(v));
const arrayOf = (c: Check, max: number, min = 0): Check => (v) => {
  if (!Array.isArray(v) || v.length > max || v.length < min) return `a list of ${min}–${max} items`;
  for (let i = 0; i < v.length; i++) {
    const e = c(v[i]);
    if (e) return `item ${i}: ${e}`;
  }
  return null;
};
const rgb: Check = (v) =>
  Array.isArray(v) && v.length === 3 && v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? null : '[r, g, b] with integers 0–255';
const arrayBuffer: Check = (v) => (v instanceof ArrayBuffer ? null : 'binary data (ArrayBuffer)');

/** An object with exactly these keys (optional ones may be missing); unknown keys are refused. */
function object(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'an object';
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!(key in required) && !(key in optional)) return `unexpected field '${key}'`;
    }
    for (const [key, check] of Object.entries(required)) {
      if (!(key in o)) return `missing field '${key}'`;
      const e = check(o[key]);
      if (e) return `'${key}' must be ${e}`;
    }
    for (const [key, check] of Object.entries(optional)) {
      if (o[key] === undefined) continue;
      const e = check(o[key]);
      if (e) return `'${key}' must be ${e}`;
    }
    return null;
  };
}

const id = nonEmpty(200);
const progress = { progressToken: nonEmpty(200) };
const approval = nullable(object({ reviewer: nonEmpty(200), approvedAt: nonEmpty(64) }));

const CHECKS: Record<Channel, Check> = {
  'app:info': object({}),
  'dialog:open-study': object({}),
  'dialog:choose-folder': object({}, { title: str(200) }),
  'study:open': object({ paths: arrayOf(nonEmpty(), MAX_PATHS, 1) }, progress),
  'study:load-series': object({ studyId: id, seriesKey: nonEmpty(300) }, { ...progress, onGridOf: nonEmpty(300) }),
  'study:close': object({ studyId: id }),
  'segment:run': object({ studyId: id }, { modelCard: nonEmpty(), device: oneOf('auto', 'cpu', 'cuda', 'dml', 'coreml') }),
  'job:cancel': object({ jobId: id }),
  'job:status': object({ jobId: id }),
  'structures:import': object({ studyId: id, structureSetPath: nonEmpty() }, progress),
  'structure:create': object({ studyId: id, name: nonEmpty(64), color: rgb, interpretedType: nonEmpty(16) }),
  'structure:save-edits': object({ studyId: id, structureId: id, mask: arrayBuffer }),
  'rtstruct:export': object({
    studyId: id,
    structures: arrayOf(object({ structureId: id, approval }), 1000, 1),
    folder: nullable(nonEmpty()),
  }),
  'journal:list': object({}),
  'journal:restore': object({ journalId: id }, progress),
  'journal:discard': object({ journalId: id }),
  'settings:get': object({}),
  'settings:set': object({}, { reviewerName: str(200) }),
};

/** True when `name` is a request channel of the contract. */
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && (CHANNEL_NAMES as readonly string[]).includes(name);
}

/** Null when `request` is valid for `channel`, else one line saying what is wrong. */
export function validateRequest(channel: Channel, request: unknown): string | null {
  const e = CHECKS[channel](request);
  return e ? `${channel}: request ${e}` : null;
}
