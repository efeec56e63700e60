import { EXIT, type CliCommand } from './io.ts';

/** `delineo register` — not built yet. */
export const command: CliCommand = async () => {
  process.stderr.write('delineo register: not available in this build yet\n');
  return EXIT.failed;
};
