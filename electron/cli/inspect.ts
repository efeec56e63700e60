import { EXIT, type CliCommand } from './io.ts';

/** `delineo inspect` — not built yet. */
export const command: CliCommand = async () => {
  process.stderr.write('delineo inspect: not available in this build yet\n');
  return EXIT.failed;
};
