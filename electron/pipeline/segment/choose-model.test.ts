import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/paths.ts';
import { chooseModelCard } from './choose-model.ts';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/models/tiny-const.json');

/** A models folder with cards named after the shipped ones, differing in modalities. */
async function modelsDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'models-'));
  const base = JSON.parse(await readFile(FIXTURE, 'utf8'));
  await copyFile(path.join(REPO_ROOT, 'test/fixtures/models/tiny-const.onnx'), path.join(dir, 'tiny-const.onnx'));
  const write = (name: string, modalities: string[]) => writeFile(path.join(dir, `${name}.json`), JSON.stringify({
    ...base, name, inputs: modalities.map((m) => ({ ...base.inputs[0], modality: m, label: m })),
  }));
  await write('pet-ct-gtv', ['CT', 'PT']);
  await write('ct-mr-gtv', ['CT', 'MR']);
  await write('brain-mr', ['MR', 'MR']);
  await writeFile(path.join(dir, 'broken.json'), '{');
  return dir;
}

describe('chooseModelCard', () => {
  it('prefers the PET/CT model when the study has CT, PET and MR; says which cards were skipped', async () => {
    const warnings: string[] = [];
    const c = await chooseModelCard(await modelsDir(), new Map([['CT', 1], ['PT', 1], ['MR', 1]]), warnings);
    expect(c.card.name).toBe('pet-ct-gtv');
    expect(warnings).toEqual([expect.stringMatching(/^skipped model card: .*broken\.json: model card is not valid JSON/)]);
  });

  it('takes the model whose modalities the study has', async () => {
    const dir = await modelsDir();
    expect((await chooseModelCard(dir, new Map([['CT', 1], ['MR', 2]]), [])).card.name).toBe('ct-mr-gtv');
    expect((await chooseModelCard(dir, new Map([['MR', 2]]), [])).card.name).toBe('brain-mr');
  });

  it('refuses with the study\'s modalities and the cards it knows when none fits', async () => {
    await expect(chooseModelCard(await modelsDir(), new Map([['PT', 1]]), [])).rejects.toThrow(
      /no shipped model fits a study with PT \(models: brain-mr \(MR\+MR\), ct-mr-gtv \(CT\+MR\), pet-ct-gtv \(CT\+PT\)\); pass --model <card\.json>/,
    );
    await expect(chooseModelCard('/nonexistent/models', new Map(), [])).rejects.toThrow(/no shipped models folder; pass --model/);
  });
});
