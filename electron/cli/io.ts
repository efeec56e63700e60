/**
 * Shared plumbing of the CLI commands: argument parsing, stderr progress, JSON out.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { StageProgress } from '../pipeline/stage.ts';

/** A CLI command: takes the arguments after its name, returns the exit code. */
export type CliCommand = (argv: string[]) => Promise<number>;

/** Exit codes: 0 all done, 1 some asked-for work failed, 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--help` / `-h` was given: the dispatcher prints `usage` on stdout and exits 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  readonly usage: string;
  constructor(usage: string) {
    super('help requested');
    this.usage = usage;
  }
}

/**
 * node:util parseArgs with errors turned into UsageError (one line, no stack). Every command
 * takes `--help`/`-h`, which ends the command with {@link HelpRequested} before any work.
 */
export function parseCli<T extends ParseArgsConfig['options']>(argv: string[], options: T, usage: string) {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
  }
}

/** A progress callback that draws one updating line on stderr (plain lines when not a TTY). */
export function stderrProgress(): (p: StageProgress) => void {
  const tty = process.stderr.isTTY;
  let last = '';
  return (p) => {
    const pct = p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
    const line = `${p.stage} ${p.done}/${p.total} (${pct}%)${p.message ? ' ' + p.message : ''}`;
    if (tty) process.stderr.write(`\r\x1b[K${line}${p.done >= p.total ? '\n' : ''}`);
    else if (p.done >= p.total || line.split(' ')[0] !== last) process.stderr.write(line + '\n');
    last = line.split(' ')[0];
  };
}

/** Write a JSON result to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** An AbortSignal that fires on Ctrl+C so long work stops cleanly. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new DOMException('cancelled by the user', 'AbortError')));
  return controller.signal;
}
