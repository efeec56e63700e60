/**
 * Where a pipeline worker script lives: the .ts source beside the calling module (CLI, tests,
 * development), or the bundled .js that the Forge build puts beside the app's main.js. The
 * name is built at run time so the bundler leaves it alone.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * @param base `import.meta.url` of the calling module.
 * @param stem the script's name without extension, e.g. './worker'.
 * @returns the URL of `<stem>.ts` or `<stem>.js`, whichever exists; the .ts URL when neither does
 *   (the caller's start-up error then names the missing source).
 */
export function workerScriptUrl(base: string, stem: string): URL {
  for (const ext of ['ts', 'js']) {
    const url = new URL(`${stem}.${ext}`, base);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return new URL(`${stem}.ts`, base);
}
