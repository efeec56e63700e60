/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- ingest segment`) one after another. Each module's default export prints
 * its own numbers and ratios against its named reference; one failing benchmark is reported
 * and the others still run.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();

if (files.length === 0) {
  process.stderr.write(`bench: nothing to run${wanted.length ? ` for ${wanted.join(', ')}` : ''}\n`);
  process.exitCode = 2;
}
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file.replace(/\.bench\.ts$/, '')}\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: () => Promise<void> };
    await mod.default();
  } catch (e) {
    failed++;
    process.stdout.write(`FAILED: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  }
}
if (failed) process.exitCode = 1;
