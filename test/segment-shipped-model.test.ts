/**
 * The shipped default model on the real demo study (issue 8 item 3): `segment` without --model
 * picks pet-ct-gtv, and its GTV is compared with the expert's. Skipped until native-models
 * ships the model; the Dice goal (≥ 0.80) is native-models' to meet, so this checks the
 * plumbing and that a sensible, non-empty tumour comes out, and prints the figures.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSegmentStudy } from '../electron/pipeline/segment/index.ts';
import { REPO_ROOT } from './paths.ts';

const SHIPPED = path.join(REPO_ROOT, 'native-models/models/pet-ct-gtv.json');

describe.skipIf(!existsSync(SHIPPED))('the shipped PET/CT model on the demo study', () => {
  it('is chosen by default, runs within 30 s and overlaps the expert GTV', async () => {
    const r = await runSegmentStudy({ paths: [path.join(REPO_ROOT, 'demo/sts-002')] });
    expect(r.model.name).toBe('pet-ct-gtv');
    expect(r.mask.size).toEqual([161, 143, 48]);
    expect(r.structures[0].voxels).toBeGreaterThan(0);
    expect(r.timings.total).toBeLessThan(30);
    const pet = r.comparison.find((c) => c.structure === 'GTV_Mass_PET');
    expect(pet).toBeDefined();
    process.stdout.write(`pet-ct-gtv ${r.model.version} on STS_002: ${r.comparison.map((c) => `${c.structure} Dice ${c.dice.toFixed(3)} HD95 ${c.hd95Mm?.toFixed(1)} mm`).join('; ')}; ${r.timings.total.toFixed(1)} s\n`);
    expect(pet!.dice).toBeGreaterThan(0.3);
  });
});
