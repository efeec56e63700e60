/**
 * `delineo` — the headless front door to the pipeline. One module per command in cli/;
 * JSON results on stdout, human progress on stderr, exit 0 only when everything asked
 * for was done.
 */
import { oneLine } from './pipeline/errors.ts';
import { EXIT, HelpRequested, UsageError, type CliCommand } from './cli/io.ts';

const COMMANDS: Record<string, () => Promise<{ command: CliCommand }>> = {
  inspect: () => import('./cli/inspect.ts'),
  convert: () => import('./cli/convert.ts'),
  register: () => import('./cli/register.ts'),
  segment: () => import('./cli/segment.ts'),
};

const USAGE = `usage: delineo <command> [options]

commands:
  inspect <paths…> [--json]                      list studies and series with geometry, units and warnings
  convert <paths…> --series <UID> --out <f.nii.gz> [--json]
                                                 write one series as NIfTI in physical units
  convert <paths…> --rtstruct <RS.dcm> [--roi <name>] --out <mask.nii.gz> [--json]
                                                 rasterise a structure set onto its image grid
  register <paths…> --fixed <UID> --moving <UID> [--method auto|identity|rigid-mi|dicom-reg]
                    [--json] [--out <f.nii.gz>]
                                                 align a secondary series to the planning CT
  segment <paths…> --out <dir> [--model <card.json>] [--device auto|cpu|cuda|dml|coreml]
                   [--input <modality>=<path>]… [--json]
                                                 contour the tumour and write an RTSTRUCT

'delineo <command> --help' describes a command.`;

/** Runs one CLI invocation and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`delineo: unknown command '${name}'\n${USAGE}\n`);
    return 2;
  }
  try {
    const { command } = await load();
    return await command(rest);
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(e.usage + '\n');
      return EXIT.ok;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`delineo ${name}: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`delineo ${name}: ${oneLine(e)}\n`);
    if (process.env.DELINEO_DEBUG) console.error(e);
    return 1;
  }
}
