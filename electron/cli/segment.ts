/**
 * `delineo segment <paths…> --out <dir> [--model <card.json>] [--device …] [--input m=path]… [--json]`
 * — contour the tumour of one study and write RTSTRUCT, mask, uncertainty map and report.
 */
import { DEVICE_CHOICES, type DeviceChoice } from '../pipeline/inference/index.ts';
import { runSegmentStudy, segmentReport } from '../pipeline/segment/index.ts';
import { EXIT, interruptSignal, parseCli, printJson, stderrProgress, UsageError, type CliCommand } from './io.ts';

const USAGE = `usage: delineo segment <paths…> --out <dir> [--model <card.json>] [--device auto|cpu|cuda|dml|coreml]
                       [--input <modality|label>=<path>]… [--threads <n>] [--json]

  Segments the tumour (GTV) of one study with a multi-modal model and writes into <dir>:
  RS.<SOPInstanceUID>.dcm (RT Structure Set on the planning CT), mask.nii.gz, uncertainty.nii.gz
  (branch disagreement |pa − pb|) and report.json. Nothing is overwritten.

  --model    model card (default: the best shipped model whose modalities the study has)
  --device   execution provider; auto tries the GPU and falls back to the CPU, saying why
  --input    name an image when the files cannot tell series apart, e.g. --input PET=pet.nii.gz
             or --input T1c=/data/t1c/ (a NIfTI file or a DICOM folder); repeatable
  --json     print the result as JSON on stdout (progress stays on stderr)`;

export const command: CliCommand = async (argv) => {
  const { values, positionals } = parseCli(argv, {
    out: { type: 'string' },
    model: { type: 'string' },
    device: { type: 'string', default: 'auto' },
    input: { type: 'string', multiple: true },
    threads: { type: 'string' },
    json: { type: 'boolean', default: false },
  }, USAGE);
  if (!values.out) throw new UsageError(`--out <dir> is required\n${USAGE}`);
  const device = values.device as DeviceChoice;
  if (!DEVICE_CHOICES.includes(device)) throw new UsageError(`--device must be one of ${DEVICE_CHOICES.join(', ')}, not '${values.device}'`);
  const inputs: Record<string, string> = {};
  for (const spec of values.input ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--input expects <modality|label>=<path>, got '${spec}'`);
    inputs[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new UsageError(`--threads must be a positive whole number, not '${values.threads}'`);
  if (positionals.length === 0 && Object.keys(inputs).length === 0) throw new UsageError(`give the study's DICOM files or folders, or --input <modality>=<path>\n${USAGE}`);

  const result = await runSegmentStudy(
    { paths: positionals, inputs, modelCard: values.model, device, threads, outDir: values.out },
    { signal: interruptSignal(), onProgress: stderrProgress() },
  );

  const say = (line: string) => process.stderr.write(line + '\n');
  for (const w of result.warnings) say(`warning: ${w}`);
  const s = result.structures[0];
  say(`${s.name}: ${s.volumeMl.toFixed(1)} ml (${s.voxels} voxels), model ${result.model.name} ${result.model.version} on ${result.device}, ${result.timings.total.toFixed(1)} s`);
  for (const c of result.comparison) {
    say(`Dice vs expert ${c.structure}: ${c.dice.toFixed(3)}, HD95 ${c.hd95Mm === null ? 'n/a' : c.hd95Mm.toFixed(1) + ' mm'} (expert ${c.expertVolumeMl.toFixed(1)} ml)`);
  }
  const report = segmentReport(result);
  if (values.json) printJson(report);
  else for (const [k, v] of Object.entries({ rtstruct: report.rtstruct, mask: report.mask, uncertainty: report.uncertainty, report: result.outputs?.report })) if (v) say(`${k}: ${v}`);
  return EXIT.ok;
};
