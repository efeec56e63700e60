/** `delineo inspect` as a user runs it: a separate process, JSON on stdout, problems on stderr. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../../test/paths.ts';

function delineo(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'delineo.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface InspectSeries {
  seriesInstanceUID: string; modality: string; description: string; frameOfReferenceUID: string;
  size: number[]; spacing: number[]; origin: number[]; direction: number[]; units: string; suvbwFactor: number | null; warnings: string[];
}
interface InspectJson {
  studies: { studyInstanceUID: string; patientName: string; patientID: string; series: InspectSeries[] }[];
  errors: { path: string; message: string }[];
}

describe('delineo inspect --json', () => {
  it('describes real-sts-002: three series with geometry, units and the GML note, exit 0', () => {
    const r = delineo('inspect', sharedData('real-sts-002'), '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as InspectJson;
    expect(json.errors).toEqual([]);
    expect(json.studies).toHaveLength(1);
    const study = json.studies[0];
    expect(study.patientID).toBe('STS_002');
    expect(study.patientName).toBe('STS_002');
    const byMod = Object.fromEntries(study.series.map((s) => [s.modality, s]));
    expect(Object.keys(byMod).sort()).toEqual(['CT', 'MR', 'PT']);
    // The exact key order issue 2 fixes.
    expect(Object.keys(byMod.CT)).toEqual(['seriesInstanceUID', 'modality', 'description', 'frameOfReferenceUID', 'size', 'spacing', 'origin', 'direction', 'units', 'suvbwFactor', 'warnings']);
    expect(byMod.CT.size).toEqual([161, 143, 48]);
    expect(byMod.CT.units).toBe('HU');
    expect(byMod.CT.suvbwFactor).toBeNull();
    expect(byMod.CT.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(byMod.CT.spacing[2]).toBeCloseTo(3.27, 2);
    expect(byMod.CT.origin.map((v) => Math.round(v * 100) / 100)).toEqual([1.95, 59.57, -629.04]);
    expect(byMod.PT.units).toBe('SUVbw');
    expect(byMod.PT.suvbwFactor).toBe(1);
    expect(byMod.PT.warnings).toContain('PET values are already SUVbw (Units GML): no factor applied');
    expect(byMod.MR.units).toBe('raw');
    // Progress goes to stderr, never into the JSON.
    expect(r.stderr).toMatch(/scan 141\/141 \(100%\)/);
  });

  it('lists unreadable files in errors (path + reason), still describes the rest, and exits 1', () => {
    const r = delineo('inspect', sharedData('malformed'), '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as InspectJson;
    const truncated = json.errors.find((e) => e.path.endsWith('MR_truncated.dcm'))!;
    expect(truncated.message).toMatch(/Pixel Data declares 8192 bytes but only 8130 are in the file/);
    expect(json.studies.flatMap((s) => s.series.map((x) => x.modality))).toEqual(expect.arrayContaining(['CT', 'MR']));
    // One line per problem on stderr too.
    for (const e of json.errors) expect(r.stderr).toContain(`delineo inspect: ${e.message}\n`);
  });

  it('prints a human summary without --json', () => {
    const r = delineo('inspect', sharedData('ct-lung-philips'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^study 1\.3\.6\.1\.4\.1\.14519\.5\.2\.1\.6655\.2359\.\d+ {2}patient "Lung_Dx-A0001" \(Lung_Dx-A0001\)/);
    expect(r.stdout).toMatch(/\n {2}CT {2}1\.3\.6\.1\.4\.1\.14519\.5\.2\.1\.6655\.2359\.\d+ {2}".*"\n {6}512×512×64 voxels, 0\.842 × 0\.842 × 5 mm, origin \(-228\.04, -93\.06, -439\), HU\n/);
  });

  it('exits 2 with usage when no path is given, 1 for a missing path', () => {
    const none = delineo('inspect');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no paths given/);
    const missing = delineo('inspect', '/nonexistent/study', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).errors).toEqual([{ path: '/nonexistent/study', message: '/nonexistent/study: no such file or folder' }]);
  });
});
