import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workerScriptUrl } from './worker-script.ts';

describe('workerScriptUrl', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'delineo-worker-script-'));
  const base = pathToFileURL(path.join(dir, 'main.js')).href;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers the .ts source, falls back to the bundled .js, and names the source when neither exists', () => {
    writeFileSync(path.join(dir, 'a.js'), '');
    expect(workerScriptUrl(base, './a').pathname).toMatch(/\/a\.js$/);
    writeFileSync(path.join(dir, 'a.ts'), '');
    expect(workerScriptUrl(base, './a').pathname).toMatch(/\/a\.ts$/);
    expect(workerScriptUrl(base, './missing').pathname).toMatch(/\/missing\.ts$/);
  });
});
