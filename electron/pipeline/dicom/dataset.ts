/**
 * Typed accessors over a parsed header (a naturalized dataset), so no other module sees dcmjs
 * shapes (its arrays-or-scalars, PN objects, string numbers). The dcmjs parse itself lives in
 * dcmjs-parse.ts and is loaded only when a file needs it.
 */
/** A parsed header: DICOM keyword → value, read through the accessors below only. */
export interface Dataset {
  readonly values: Readonly<Record<string, unknown>>;
}

/** A dataset from a naturalized object (a sequence item). */
function wrap(values: unknown): Dataset | null {
  return values && typeof values === 'object' && !Array.isArray(values) ? { values: values as Record<string, unknown> } : null;
}

function firstOf(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** The value of a single-valued text attribute ('' when absent); PN values give their alphabetic form. */
export function str(ds: Dataset | null, key: string): string {
  const v = firstOf(ds?.values[key]);
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') {
    const pn = v as { Alphabetic?: unknown };
    return typeof pn.Alphabetic === 'string' ? pn.Alphabetic.trim() : '';
  }
  return String(v).replace(/\0/g, '').trim();
}

/** All values of a multi-valued text attribute. */
export function strs(ds: Dataset | null, key: string): string[] {
  const v = ds?.values[key];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => String(x).trim());
}

/** A number, or null when absent or not a finite number. */
export function num(ds: Dataset | null, key: string): number | null {
  const v = firstOf(ds?.values[key]);
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isFinite(n) ? n : null;
}

/** All values of a numeric multi-valued attribute, or null when absent, short or not numeric. */
export function nums(ds: Dataset | null, key: string, count: number): number[] | null {
  const v = ds?.values[key];
  if (v === undefined || v === null) return null;
  const list = (Array.isArray(v) ? v : String(v).split('\\')).map((x) => (typeof x === 'number' ? x : Number(String(x).trim())));
  if (list.length < count || !list.slice(0, count).every(Number.isFinite)) return null;
  return list.slice(0, count);
}

/** Items of a sequence ([] when absent). */
export function items(ds: Dataset | null, key: string): Dataset[] {
  const v = ds?.values[key];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(wrap).filter((x): x is Dataset => x !== null);
}

/** The first item of a sequence, or null. */
export function item(ds: Dataset | null, key: string): Dataset | null {
  return items(ds, key)[0] ?? null;
}

/** A raw value for a plain-data consumer (e.g. SUV headers): strings and numbers only. */
export function plain(ds: Dataset | null, key: string): string | number | undefined {
  const v = firstOf(ds?.values[key]);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim();
  return undefined;
}

/** A private element's value, read by tag in its raw form: dcmjs keeps unknown tags under their hex key. */
export function privateValue(ds: Dataset | null, tag: string): string | number | undefined {
  const v = firstOf(ds?.values[tag]);
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof ArrayBuffer && v.byteLength <= 64) return new TextDecoder().decode(v).replace(/\0/g, '').trim();
  return undefined;
}
