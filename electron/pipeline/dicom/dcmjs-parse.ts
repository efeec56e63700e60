/**
 * The one module that talks to dcmjs: parses the header bytes prepared by analyseFile into a
 * naturalized dataset read through dataset.ts. Imported lazily (dcmjs costs tens of
 * milliseconds to load): only files the header fast path declines need it.
 */
import dcmjs from 'dcmjs';
import { PipelineError } from '../errors.ts';
import type { Dataset } from './dataset.ts';
import type { FileLayout } from './file-layout.ts';

// dcmjs logs every oddity it tolerates to the console; our errors say what matters instead.
interface Logger { setLevel(level: string): void; getLogger(name: string): Logger }
const dcmjsLog = (dcmjs as unknown as { log: Logger }).log;
dcmjsLog.setLevel('silent');
dcmjsLog.getLogger('validation.dcmjs').setLevel('silent');

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

function firstOf(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}
