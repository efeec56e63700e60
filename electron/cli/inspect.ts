/**
 * `delineo inspect <paths…> [--json]` — list studies and series with geometry, units and
 * warnings. With --json, one object on stdout in the shape issue 2 fixes; progress on stderr.
 * Exit 0 when every file could be used, 1 when some were reported in `errors`.
 */
import { scanPaths, type ScanResult, type SeriesInfo } from '../pipeline/dicom/index.ts';
import { EXIT, interruptSignal, parseCli, printJson, stderrProgress, UsageError, type CliCommand } from './io.ts';

const USAGE = 'usage: delineo inspect <paths…> [--json]';

/** The JSON form of one stack (fixed field order; a stack id is kept in the UID as 'UID:n'). */
export function seriesJson(s: SeriesInfo) {
  return {
    seriesInstanceUID: s.stackId ? `${s.seriesInstanceUID}:${s.stackId}` : s.seriesInstanceUID,
    modality: s.modality,
    description: s.description,
    frameOfReferenceUID: s.frameOfReferenceUID,
    size: [...s.size],
    spacing: [...s.spacing],
    origin: [...s.origin],
    direction: [...s.direction],
    units: s.units,
    suvbwFactor: s.suvbwFactor,
    warnings: s.refusal ? [`cannot load: ${s.refusal}`, ...s.warnings] : [...s.warnings],
  };
}

/**
 * The JSON document `inspect --json` prints: exactly the shape issue 2 fixes (structure sets
 * and registrations appear in the human summary only). A series split into several stacks
 * lists each as 'UID:n', which `convert --series` accepts.
 */
export function inspectJson(result: ScanResult) {
  return {
    studies: result.studies.map((st) => ({
      studyInstanceUID: st.studyInstanceUID,
      patientName: st.patient.patientName,
      patientID: st.patient.patientID,
      series: st.series.map(seriesJson),
    })),
    errors: result.errors.map((e) => ({ path: e.path, message: e.message })),
  };
}

const round = (v: number, d = 2) => Number(v.toFixed(d));

function printHuman(result: ScanResult): void {
  const out: string[] = [];
  for (const st of result.studies) {
    out.push(`study ${st.studyInstanceUID}  patient ${JSON.stringify(st.patient.patientName)} (${st.patient.patientID})  ${st.header.studyDate}`);
    for (const s of st.series) {
      const id = s.stackId ? `${s.seriesInstanceUID}:${s.stackId}` : s.seriesInstanceUID;
      const suv = s.suvbwFactor !== null ? `  SUVbw factor ${s.suvbwFactor.toPrecision(6)}` : '';
      out.push(`  ${s.modality.padEnd(3)} ${id}  ${JSON.stringify(s.description)}`);
      out.push(`      ${s.size.join('×')} voxels, ${s.spacing.map((v) => round(v, 3)).join(' × ')} mm, origin (${s.origin.map((v) => round(v)).join(', ')}), ${s.units}${suv}`);
      if (s.refusal) out.push(`      ! cannot load: ${s.refusal}`);
      for (const w of s.warnings) out.push(`      ! ${w}`);
    }
    for (const r of st.structureSets) out.push(`  RTSTRUCT ${JSON.stringify(r.label)} → series ${r.referencedSeriesUID || '(none)'}  ${r.path}`);
    for (const r of st.registrations) out.push(`  REG ${r.path}`);
  }
  if (result.studies.length === 0) out.push('no DICOM studies found');
  process.stdout.write(out.join('\n') + '\n');
}

/** `delineo inspect`. */
export const command: CliCommand = async (argv) => {
  const { values, positionals } = parseCli(argv, { json: { type: 'boolean' } }, USAGE);
  if (positionals.length === 0) throw new UsageError(`no paths given\n${USAGE}`);
  const result = await scanPaths(positionals, { signal: interruptSignal(), onProgress: stderrProgress() });
  if (values.json) printJson(inspectJson(result));
  else printHuman(result);
  for (const e of result.errors) process.stderr.write(`delineo inspect: ${e.message}\n`);
  if (result.studies.length === 0 && result.errors.length === 0) process.stderr.write(`delineo inspect: no DICOM files found in ${positionals.join(', ')}\n`);
  return result.errors.length || result.studies.length === 0 ? EXIT.failed : EXIT.ok;
};
