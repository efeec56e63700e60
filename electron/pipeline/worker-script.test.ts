import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorkerOnce, workerScriptUrl } from './worker-script.ts';

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

  it('settles with the worker\'s one result, names a failure, a crash and a missing script', async () => {
    const script = (name: string, body: string) => {
      writeFileSync(path.join(dir, `${name}.mjs`), `import { parentPort, workerData } from 'node:worker_threads';\n${body}\n`);
      return pathToFileURL(path.join(dir, `${name}.mjs`));
    };
    const job = { name: 'doubling', code: 'DOUBLE_FAILED', onMessage: (m: { n?: number; error?: string }) => m.error ? { error: m.error } : m.n! > 10 ? { result: m.n! } : undefined };
    const counting = script('counting', 'for (let n = workerData; n < 40; n *= 2) parentPort.postMessage({ n });');
    expect(await runWorkerOnce(counting, 3, job)).toBe(12); // 3 and 6 were progress
    await expect(runWorkerOnce(script('refusing', 'parentPort.postMessage({ error: "no input" });'), 0, job)).rejects.toThrow('doubling failed: no input');
    await expect(runWorkerOnce(script('throwing', 'throw new Error("boom");'), 0, job)).rejects.toThrow('doubling worker crashed: boom');
    await expect(runWorkerOnce(script('silent', ''), 0, job)).rejects.toThrow('doubling worker exited (code 0) without a result');
    await expect(runWorkerOnce(pathToFileURL(path.join(dir, 'gone.js')), 0, job)).rejects.toMatchObject({ code: 'DOUBLE_FAILED', message: 'the doubling worker script is missing from this build (gone.js)' });
  });
});
