/**
 * `delineo convert <paths…> --series <UID> --out <file.nii.gz>` — one series as NIfTI-1 in
 * physical units (HU, SUVbw or raw) with sform and qform. With --rtstruct, rasterising a
 * structure set is delegated to convert-rtstruct.ts.
 */
import { findSeries, loadSeries, scanPaths } from '../pipeline/dicom/index.ts';
import { writeNifti } from '../pipeline/volume/nifti.ts';
import { convertRtstruct } from './convert-rtstruct.ts';
import { EXIT, interruptSignal, parseCli, printJson, stderrProgress, UsageError, type CliCommand } from './io.ts';

const USAGE = `usage: delineo convert <paths…> --series <SeriesInstanceUID> --out <file.nii.gz> [--json]
       delineo convert <paths…> --rtstruct <RS.dcm> [--roi <name>] --out <mask.nii.gz> [--json]`;

/** `delineo convert`. */
export const command: CliCommand = async (argv) => {
  const { values, positionals } = parseCli(
    argv,
    {
      series: { type: 'string' },
      out: { type: 'string' },
      rtstruct: { type: 'string' },
      roi: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  if (!values.out) throw new UsageError(`--out is required\n${USAGE}`);
  if (values.rtstruct) {
    if (values.series) throw new UsageError(`--series and --rtstruct cannot be combined\n${USAGE}`);
    return convertRtstruct({ paths: positionals, rtstruct: values.rtstruct, roi: values.roi, out: values.out, json: values.json ?? false });
  }
  if (values.roi) throw new UsageError(`--roi needs --rtstruct\n${USAGE}`);
  if (!values.series) throw new UsageError(`--series (or --rtstruct) is required\n${USAGE}`);
  if (!/\.nii(\.gz)?$/.test(values.out)) throw new UsageError(`--out must end in .nii or .nii.gz\n${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`no paths given\n${USAGE}`);

  const ctx = { signal: interruptSignal(), onProgress: stderrProgress() };
  const scanned = await scanPaths(positionals, ctx);
  // Files that failed to parse are only a problem if the wanted series cannot be found (or
  // has a gap, which loading reports); they are still named, one line each.
  for (const e of scanned.errors) process.stderr.write(`delineo convert: skipped ${e.message}\n`);
  const series = findSeries(scanned, values.series);
  const loaded = await loadSeries(series, ctx);
  for (const w of loaded.warnings) process.stderr.write(`delineo convert: ${series.seriesInstanceUID}: ${w}\n`);
  await writeNifti(loaded.volume, values.out);
  process.stderr.write(`wrote ${values.out} (${loaded.volume.size.join('×')}, ${loaded.volume.units})\n`);
  if (values.json) {
    printJson({ out: values.out, seriesInstanceUID: series.seriesInstanceUID, size: [...loaded.volume.size], spacing: [...series.spacing], units: loaded.volume.units, suvbwFactor: series.suvbwFactor, warnings: [...loaded.warnings] });
  }
  return EXIT.ok;
};
