/**
 * The one module that talks to dcmjs. It parses the header bytes prepared by
 * {@link analyseFile} into a naturalized dataset and offers typed accessors over it, so
 * no other module sees dcmjs shapes (its arrays-or-scalars, PN objects, string numbers).
 */
import dcmjs from 'dcmjs';
import { PipelineError } from '../errors.ts';
import type { FileLayout } from './file-layout.ts';

// dcmjs logs every oddity it tolerates to the console; our errors say what matters instead.
interface Logger { setLevel(level: string): void; getLogger(name: string): Logger }
const dcmjsLog = (dcmjs as unknown as { log: Logger }).log;
dcmjsLog.setLevel('silent');
dcmjsLog.getLogger('validation.dcmjs').setLevel('silent');

/** A parsed header: DICOM keyword → value, read through the accessors below only. */
export interface Dataset {
  readonly values: Readonly<Record<string, unknown>>;
}

interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer, options: Record<string, unknown>): { dict: Record<string, unknown> } };
  DicomMetaDictionary: { naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown> };
}
const data = (dcmjs as unknown as { data: DcmjsData }).data;

/**
 * Parse the header (everything before Pixel Data) of a file whose layout was found.
 *
 * @throws PipelineError('DICOM_MALFORMED') naming `path` with dcmjs's reason in one line.
 */
export function parseHeader(layout: FileLayout, path: string): Dataset {
  try {
    const message = data.DicomMessage.readFile(layout.headerBuffer, { ignoreErrors: false, noCopy: true });
    return { values: data.DicomMetaDictionary.naturalizeDataset(message.dict) };
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    // The structure was already validated by analyseFile, so what dcmjs trips over is a
    // detail (an ISO 2022 character set, a UN sequence it misreads). A lenient re-read keeps
    // what it can; a file that still lacks its identity is reported with the first reason.
    try {
      const message = data.DicomMessage.readFile(layout.headerBuffer, { ignoreErrors: true, noCopy: true });
      const values = data.DicomMetaDictionary.naturalizeDataset(message.dict);
      if (typeof firstOf(values.SOPInstanceUID) === 'string' && typeof firstOf(values.SeriesInstanceUID) === 'string') return { values };
    } catch {
      // fall through to the first reason
    }
    throw new PipelineError('DICOM_MALFORMED', `header cannot be parsed (${reason})`, path);
  }
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
