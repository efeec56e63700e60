/**
 * The default model for a study: the best shipped card whose input modalities the study has.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../errors.ts';
import { readModelCard, type LoadedModelCard } from '../inference/index.ts';

/** Where shipped models live in a checkout (the app passes its resources folder instead). */
export const SHIPPED_MODELS_DIR = fileURLToPath(new URL('../../../native-models/models/', import.meta.url));

/** Preferred order among cards that fit equally well: the PET/CT model is the default. */
const PREFERENCE = ['pet-ct-gtv', 'ct-mr-gtv'];

/** True when `available` (modality → count) has a series for every card input. */
export function cardFits(loaded: LoadedModelCard, available: ReadonlyMap<string, number>): boolean {
  const need = new Map<string, number>();
  for (const i of loaded.card.inputs) need.set(i.modality, (need.get(i.modality) ?? 0) + 1);
  return [...need].every(([m, n]) => (available.get(m) ?? 0) >= n);
}

/**
 * Among the cards in `dir`, those whose modalities the study has; the one with most inputs
 * wins (more information), then the preferred order, then the name. Cards that fail
 * validation are skipped with a warning rather than hiding the valid ones.
 */
export async function chooseModelCard(dir: string, available: ReadonlyMap<string, number>, warnings: string[]): Promise<LoadedModelCard> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    throw new PipelineError('MODEL_NOT_FOUND', 'no shipped models folder; pass --model <card.json>', dir);
  }
  const fitting: LoadedModelCard[] = [];
  const seen: string[] = [];
  for (const f of files) {
    try {
      const loaded = await readModelCard(path.join(dir, f));
      seen.push(`${loaded.card.name} (${loaded.card.inputs.map((i) => i.modality).join('+')})`);
      if (cardFits(loaded, available)) fitting.push(loaded);
    } catch (e) {
      warnings.push(`skipped model card: ${(e as Error).message}`);
    }
  }
  if (fitting.length === 0) {
    const have = [...available].map(([m, n]) => (n > 1 ? `${n}×${m}` : m)).join(', ') || 'nothing';
    throw new PipelineError('MODEL_NOT_FOUND', `no shipped model fits a study with ${have} (models: ${seen.join(', ') || 'none'}); pass --model <card.json>`, dir);
  }
  const rank = (l: LoadedModelCard) => {
    const p = PREFERENCE.indexOf(l.card.name);
    return p < 0 ? PREFERENCE.length : p;
  };
  fitting.sort((a, b) => b.card.inputs.length - a.card.inputs.length || rank(a) - rank(b) || a.card.name.localeCompare(b.card.name));
  return fitting[0];
}
