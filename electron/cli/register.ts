/**
 * `delineo register <paths…> --fixed <UID> --moving <UID> [--method …] [--json] [--out f.nii.gz]`
 * — align a secondary series to the planning CT. JSON on stdout (issue 3's shape), progress
 * on stderr, Ctrl+C cancels (the registration worker is terminated).
 */
import { access } from 'node:fs/promises';
import { findSeries, loadSeries, scanPaths, studyOf } from '../pipeline/dicom/index.ts';
import { matrixFromRows, runRegistration, type RegistrationChoice, type RegistrationResult } from '../pipeline/registration/index.ts';
import { writeNifti } from '../pipeline/volume/nifti.ts';
import { resampleToGrid } from '../pipeline/volume/resample.ts';
import { EXIT, interruptSignal, parseCli, printJson, stderrProgress, UsageError, type CliCommand } from './io.ts';

const USAGE = `usage: delineo register <paths…> --fixed <SeriesInstanceUID> --moving <SeriesInstanceUID>
                        [--method auto|identity|rigid-mi|dicom-reg] [--json] [--out <moving-resampled.nii.gz>]
  auto: identity within one Frame of Reference, else a DICOM REG object linking the two frames,
        else rigid Mattes mutual information (6 degrees of freedom, 8 → 1 mm in 4 resolutions)`;

const METHODS: readonly RegistrationChoice[] = ['auto', 'identity', 'rigid-mi', 'dicom-reg'];

/** `delineo register`. */
export const command: CliCommand = async (argv) => {
  const { values, positionals } = parseCli(
    argv,
    {
      fixed: { type: 'string' },
      moving: { type: 'string' },
      method: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  if (!values.fixed || !values.moving) throw new UsageError(`--fixed and --moving are required\n${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`no paths given\n${USAGE}`);
  const method = (values.method ?? 'auto') as RegistrationChoice;
  if (!METHODS.includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}\n${USAGE}`);
  if (values.out !== undefined) {
    if (!/\.nii(\.gz)?$/.test(values.out)) throw new UsageError(`--out must end in .nii or .nii.gz\n${USAGE}`);
    // Fail before minutes of work rather than after: outputs are never overwritten.
    if (await exists(values.out)) throw new UsageError(`${values.out}: already exists (not overwritten)`);
  }

  const ctx = { signal: interruptSignal(), onProgress: stderrProgress() };
  const scanned = await scanPaths(positionals, ctx);
  const fixedInfo = findSeries(scanned, values.fixed);
  const movingInfo = findSeries(scanned, values.moving);
  const [fixed, moving] = [await loadSeries(fixedInfo, ctx), await loadSeries(movingInfo, ctx)];
  for (const [info, loaded] of [[fixedInfo, fixed], [movingInfo, moving]] as const) {
    for (const w of loaded.warnings) process.stderr.write(`delineo register: ${info.seriesInstanceUID}: ${w}\n`);
  }
  // REG objects of the fixed series' study first, then any others that were scanned.
  const study = studyOf(scanned, fixedInfo);
  const registrations = [...(study?.registrations ?? []), ...scanned.studies.filter((s) => s !== study).flatMap((s) => s.registrations)];
  const result = await runRegistration({ fixed: fixed.volume, moving: moving.volume, registrations, method }, ctx);
  const warnings = [...result.warnings];
  if (!result.quality.ok) warnings.push(`registration quality: ${result.quality.reason}`);

  if (values.out !== undefined) {
    const onFixed = resampleToGrid(moving.volume, fixed.volume, matrixFromRows(result.matrix), { interpolation: 'linear' });
    await writeNifti(onFixed, values.out);
    process.stderr.write(`wrote ${values.out} (${onFixed.size.join('×')}, ${onFixed.units}, on the grid of ${fixedInfo.seriesInstanceUID})\n`);
  }
  if (values.json) {
    printJson({ fixed: fixedInfo.seriesInstanceUID, moving: movingInfo.seriesInstanceUID, method: result.method, matrix: result.matrix, metric: result.metric, seconds: result.seconds, warnings });
  } else {
    process.stdout.write(humanSummary(result, result.warnings));
  }
  return EXIT.ok;
};

/** The result for a person: method, matrix, metric, quality, warnings. */
function humanSummary(r: RegistrationResult, warnings: readonly string[]): string {
  const rows = r.matrix.map((row) => '  ' + row.map((v) => v.toFixed(6).padStart(13)).join(' '));
  return [
    `method   ${r.method}${r.registrationObject ? ` (${r.registrationObject.path})` : ''}`,
    'matrix   moving patient → fixed patient (LPS mm):',
    ...rows,
    `metric   Mattes MI ${r.metric.toFixed(4)}`,
    `quality  ${r.quality.ok ? 'ok' : 'CHECK'}: ${r.quality.reason}`,
    `seconds  ${r.seconds.toFixed(2)}`,
    ...warnings.map((w) => `warning  ${w}`),
    '',
  ].join('\n');
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
