import { EXIT, type CliCommand } from './io.ts';

/** `delineo convert` — not built yet. */
export const command: CliCommand = async () => {
  process.stderr.write('delineo convert: not available in this build yet\n');
  return EXIT.failed;
};
