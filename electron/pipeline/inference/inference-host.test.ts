/**
 * The worker's life cycle as processes: sessions are reused, and a worker never outlives the
 * process that started it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/paths.ts';
import { InferenceHost } from './inference-host.ts';

const ONNX = path.join(REPO_ROOT, 'test/fixtures/models/tiny-const.onnx');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('InferenceHost', () => {
  it('reuses an open session for the same request and reopens when the request changes', async () => {
    const host = new InferenceHost();
    try {
      const req = { key: 'm', onnxPath: ONNX, candidates: ['cpu'] as const, intraOpNumThreads: 1 };
      const a = await host.open({ ...req, candidates: [...req.candidates] });
      const b = await host.open({ ...req, candidates: [...req.candidates] });
      expect(b).toBe(a);
      const c = await host.open({ ...req, candidates: [...req.candidates], intraOpNumThreads: 2 });
      expect(c).not.toBe(a);
      expect(c.provider).toBe('cpu');
    } finally {
      host.dispose();
    }
  });

  it('the worker exits when the process that started it dies (no orphan holding memory)', async () => {
    const script = `
      import { InferenceHost } from ${JSON.stringify(path.join(REPO_ROOT, 'electron/pipeline/inference/inference-host.ts'))};
      const host = new InferenceHost();
      await host.open({ key: 'm', onnxPath: ${JSON.stringify(ONNX)}, candidates: ['cpu'], intraOpNumThreads: 1 });
      process.stdout.write(String(host.workerPid));
      process.kill(process.pid, 'SIGKILL');
    `;
    let out = '';
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // the parent died by SIGKILL, as intended
    }
    const pid = Number(out);
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });
});
