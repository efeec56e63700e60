/**
 * `delineo register` end to end in a child process, on the real STS-002 study (CT, PET and MR
 * share one Frame of Reference): JSON shape, --out, method choice, errors, Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../../test/paths.ts';
import { readNifti } from '../pipeline/volume/nifti.ts';

const STUDY = sharedData('real-sts-002');
const CT = '1.3.6.1.4.1.14519.5.2.1.5168.1900.672471348177659964935135533244';
const PET = '1.3.6.1.4.1.14519.5.2.1.5168.1900.475429996794833172294137667411';
const MR = '1.3.6.1.4.1.14519.5.2.1.5168.1900.255616124643796471881589754666';

interface Run { code: number | null; stdout: string; stderr: string }

/** Run the CLI; `onStderr` may act on progress (e.g. send SIGINT). */
function delineo(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'delineo.mjs'), ...args], { cwd: REPO_ROOT });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); onStderr?.(stderr, child); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('delineo register', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'delineo-cli-reg-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('same Frame of Reference: identity, JSON in issue 3\'s shape, the PET written on the CT grid', async () => {
    const out = path.join(dir, 'pet-on-ct.nii.gz');
    const r = await delineo(['register', STUDY, '--fixed', CT, '--moving', PET, '--json', '--out', out]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['fixed', 'moving', 'method', 'matrix', 'metric', 'seconds', 'warnings']);
    expect(json).toMatchObject({ fixed: CT, moving: PET, method: 'identity-same-FoR', matrix: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] });
    expect(json.metric).toBeGreaterThan(0);
    expect(json.seconds).toBeGreaterThan(0);
    expect(Array.isArray(json.warnings)).toBe(true);
    expect(r.stderr).toMatch(/^register /m);
    const written = await readNifti(out);
    expect(written.size).toEqual([161, 143, 48]);
    expect(written.units === 'SUVbw' || written.units === 'raw').toBe(true);
    // On the CT grid: first voxel centre at the CT origin (LPS).
    expect(written.affine[3]).toBeCloseTo(1.952996, 3);
    expect(written.affine[11]).toBeCloseTo(-629.04, 3);
  }, 60_000);

  it('optimises on request (--method rigid-mi) and prints a readable summary without --json', async () => {
    const r = await delineo(['register', STUDY, '--fixed', CT, '--moving', MR, '--method', 'rigid-mi']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^method {3}rigid-mi$/m);
    expect(r.stdout).toMatch(/^quality {2}(ok|CHECK): /m);
    expect(r.stdout.split('\n').filter((l) => /^ +-?\d+\.\d{6}( +-?\d+\.\d{6}){3}$/.test(l))).toHaveLength(4);
    expect(r.stderr).toMatch(/level 4\/4/);
  }, 60_000);

  it('refuses bad usage with one line and exit 2, before any work', async () => {
    const exists = path.join(dir, 'exists.nii.gz');
    await writeFile(exists, 'x');
    const cases: [string[], RegExp][] = [
      [['register', STUDY, '--fixed', CT], /--fixed and --moving are required/],
      [['register', '--fixed', CT, '--moving', PET], /no paths given/],
      [['register', STUDY, '--fixed', CT, '--moving', PET, '--method', 'bspline'], /--method must be one of auto, identity, rigid-mi, dicom-reg/],
      [['register', STUDY, '--fixed', CT, '--moving', PET, '--out', path.join(dir, 'x.mha')], /--out must end in \.nii or \.nii\.gz/],
      [['register', STUDY, '--fixed', CT, '--moving', PET, '--out', exists], /exists\.nii\.gz: already exists \(not overwritten\)/],
    ];
    for (const [args, message] of cases) {
      const r = await delineo(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stdout).toBe('');
    }
  }, 60_000);

  it('names an unknown series and a missing REG link in one line, exit 1', async () => {
    const unknown = await delineo(['register', STUDY, '--fixed', CT, '--moving', '1.2.3.4']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^delineo register: series 1\.2\.3\.4 not found; found: /m);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const noReg = await delineo(['register', STUDY, '--fixed', CT, '--moving', MR, '--method', 'dicom-reg']);
    expect(noReg.code).toBe(1);
    expect(noReg.stderr).toMatch(/^delineo register: no spatial registration object links frame /m);
  }, 60_000);

  it('Ctrl+C cancels a running optimisation promptly', async () => {
    let sentAt = 0, armed = false;
    // Non-TTY progress prints the first line of each stage; once 'register' shows, the worker
    // is starting or optimising (about half a second on an idle machine): interrupt at once.
    const r = await delineo(['register', STUDY, '--fixed', CT, '--moving', MR, '--method', 'rigid-mi'], (text, child) => {
      if (!armed && /^register /m.test(text)) {
        armed = true;
        setTimeout(() => { sentAt = performance.now(); child.kill('SIGINT'); }, 20);
      }
    });
    expect(sentAt).toBeGreaterThan(0);
    expect(performance.now() - sentAt).toBeLessThan(3000);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cancelled by the user/);
    expect(r.stdout).toBe('');
  }, 60_000);
});
