/**
 * `delineo segment` as a user runs it: a separate process, JSON on stdout, progress and
 * problems on stderr, exit codes, Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.ts';

const CARD = path.join(REPO_ROOT, 'test/fixtures/models/tiny-pointwise.json');
const DEMO = path.join(REPO_ROOT, 'demo/sts-002');

function delineo(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/delineo.mjs'), 'segment', ...args], { cwd: REPO_ROOT });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => { stderr += b; onStderr?.(stderr, child); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('delineo segment', () => {
  it('prints issue 5\'s JSON on stdout and the Dice vs the expert GTV on stderr', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'cli-')), 'o');
    const r = await delineo([DEMO, '--out', out, '--model', CARD, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json).slice(0, 8)).toEqual(['rtstruct', 'mask', 'uncertainty', 'model', 'device', 'timings', 'structures', 'warnings']);
    expect(json.rtstruct).toMatch(new RegExp(`^${out}/RS\\.[0-9.]+\\.dcm$`));
    expect(json.mask).toBe(path.join(out, 'mask.nii.gz'));
    expect(json.uncertainty).toBe(path.join(out, 'uncertainty.nii.gz'));
    expect(json.model).toEqual({ name: 'tiny-pointwise', version: '0.0.1' });
    expect(json.device).toBe('cpu');
    expect(Object.keys(json.timings)).toEqual(expect.arrayContaining(['load', 'register', 'infer', 'contour', 'export', 'total']));
    expect(json.structures).toEqual([{ name: 'GTV_test', volumeMl: expect.any(Number), voxels: expect.any(Number) }]);
    expect(r.stderr).toMatch(/^Dice vs expert GTV_Mass_PET: 0\.\d{3}, HD95 [\d.]+ mm/m);
    expect(r.stderr).toMatch(/^infer \d+\/\d+ \(100%\)/m);
  });

  it('fails with one line naming the file for a missing model card', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'cli-')), 'o');
    const r = await delineo([DEMO, '--out', out, '--model', '/nope/card.json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('delineo segment: /nope/card.json: model card not found');
    expect(r.stdout).toBe('');
  });

  it('exits 2 on bad usage', async () => {
    expect((await delineo([DEMO])).stderr).toMatch(/--out <dir> is required/);
    const r = await delineo([DEMO, '--out', '/tmp/x', '--device', 'gpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--device must be one of auto, cpu, cuda, dml, coreml, not 'gpu'/);
    expect((await delineo([DEMO, '--out', '/tmp/x', '--input', 'PET'])).stderr).toMatch(/--input expects <modality\|label>=<path>, got 'PET'/);
  });

  it('asking for a GPU that is absent is an error, not a silent CPU run', async () => {
    if (process.platform !== 'linux') return;
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'cli-')), 'o');
    const r = await delineo([DEMO, '--out', out, '--model', CARD, '--device', 'cuda']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^delineo segment: .*tiny-pointwise\.onnx: cannot open the model \(cuda: .+\)$/);
  });

  it('Ctrl+C during inference stops it with a clear line and a non-zero exit', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'cli-')), 'o');
    let sent = false;
    const r = await delineo([DEMO, '--out', out, '--model', CARD], (text, child) => {
      if (!sent && /^infer /m.test(text)) { sent = true; child.kill('SIGINT'); }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('delineo segment: cancelled by the user');
  });
});
