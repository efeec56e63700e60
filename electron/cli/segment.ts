import { EXIT, type CliCommand } from './io.ts';

/** `delineo segment` — not built yet. */
export const command: CliCommand = async () => {
  process.stderr.write('delineo segment: not available in this build yet\n');
  return EXIT.failed;
};
