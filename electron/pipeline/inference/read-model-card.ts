/**
 * Reading and validating a model card (<name>.json beside <name>.onnx). Every field of
 * {@link ModelCard} is checked here, so the rest of the pipeline can trust the shape; a bad
 * card is refused with one line naming the file and the field.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from '../errors.ts';
import { MODEL_CARD_SCHEMA_VERSION, type ChannelNormalization, type ModelCard } from './model-card.ts';

/** A card as read from disk, with the absolute path of its ONNX file resolved. */
export interface LoadedModelCard {
  readonly card: ModelCard;
  /** Absolute path of the card file. */
  readonly cardPath: string;
  /** Absolute path of the ONNX file (card.onnx.file, relative to the card's folder). */
  readonly onnxPath: string;
}

/** Read and validate a model card file. Throws PipelineError('MODEL_CARD', …) naming the file. */
export async function readModelCard(cardPath: string): Promise<LoadedModelCard> {
  const abs = path.resolve(cardPath);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PipelineError('MODEL_CARD', code === 'ENOENT' ? 'model card not found' : `cannot read model card (${code ?? 'error'})`, abs);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PipelineError('MODEL_CARD', `model card is not valid JSON (${(e as Error).message.split('\n')[0]})`, abs);
  }
  const card = parseModelCard(json, abs);
  const onnxPath = path.resolve(path.dirname(abs), card.onnx.file);
  return { card, cardPath: abs, onnxPath };
}

/** Validate an already-parsed card object; `file` only names it in errors. */
export function parseModelCard(json: unknown, file: string): ModelCard {
  const fail = (field: string, what: string): never => {
    throw new PipelineError('MODEL_CARD', `model card field '${field}' ${what}`, file);
  };
  const obj = (v: unknown, f: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(f, 'must be an object');
  const str = (v: unknown, f: string, nonEmpty = true): string =>
    typeof v === 'string' && (!nonEmpty || v.length > 0) ? v : fail(f, nonEmpty ? 'must be a non-empty string' : 'must be a string');
  const num = (v: unknown, f: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(f, 'must be a finite number'));
  const triple = (v: unknown, f: string, positive: boolean): [number, number, number] => {
    if (!Array.isArray(v) || v.length !== 3) return fail(f, 'must be an array of 3 numbers');
    const t = v.map((x, i) => num(x, `${f}[${i}]`)) as [number, number, number];
    if (positive && t.some((x) => x <= 0)) fail(f, 'must be positive');
    return t;
  };

  const c = obj(json, '(root)');
  if (c.schemaVersion !== MODEL_CARD_SCHEMA_VERSION) {
    fail('schemaVersion', `is ${JSON.stringify(c.schemaVersion)}; this build reads schema ${MODEL_CARD_SCHEMA_VERSION}`);
  }
  const onnx = obj(c.onnx, 'onnx');
  const sha = str(onnx.sha256, 'onnx.sha256');
  if (!/^[0-9a-f]{64}$/.test(sha)) fail('onnx.sha256', 'must be 64 lowercase hex digits');
  const onnxFile = str(onnx.file, 'onnx.file');
  if (path.isAbsolute(onnxFile) || onnxFile.split(/[\\/]/).includes('..')) fail('onnx.file', 'must be a file name beside the card');

  if (!Array.isArray(c.inputs) || c.inputs.length === 0) fail('inputs', 'must be a non-empty array');
  const inputs = (c.inputs as unknown[]).map((raw, i) => {
    const f = `inputs[${i}]`;
    const inp = obj(raw, f);
    return {
      modality: str(inp.modality, `${f}.modality`),
      label: str(inp.label, `${f}.label`, false),
      normalization: parseNormalization(inp.normalization, `${f}.normalization`, fail, obj, num),
      padValue: num(inp.padValue, `${f}.padValue`),
    };
  });
  if (!Array.isArray(c.outputs) || c.outputs.length === 0) fail('outputs', 'must be a non-empty array');
  const outputs = (c.outputs as unknown[]).map((raw, i) => {
    const o = obj(raw, `outputs[${i}]`);
    return { name: str(o.name, `outputs[${i}].name`), role: str(o.role, `outputs[${i}].role`) };
  });
  if (new Set(outputs.map((o) => o.name)).size !== outputs.length) fail('outputs', 'has duplicate names');
  if (c.combine !== 'mean' && c.combine !== 'first') fail('combine', "must be 'mean' or 'first'");

  const patch = triple(c.patchSize, 'patchSize', true);
  if (patch.some((p) => !Number.isInteger(p))) fail('patchSize', 'must be whole voxels');
  const overlap = num(c.overlap, 'overlap');
  if (overlap < 0 || overlap >= 1) fail('overlap', 'must be in [0, 1)');
  const threshold = num(c.threshold, 'threshold');
  if (threshold <= 0 || threshold >= 1) fail('threshold', 'must be in (0, 1)');
  const minComponentMl = num(c.minComponentMl, 'minComponentMl');
  if (minComponentMl < 0) fail('minComponentMl', 'must be ≥ 0');
  if (c.fillHoles !== undefined && typeof c.fillHoles !== 'boolean') fail('fillHoles', 'must be true or false');

  const s = obj(c.structure, 'structure');
  const color = triple(s.color, 'structure.color', false);
  if (color.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) fail('structure.color', 'must be 3 integers 0–255');
  const t = obj(c.training, 'training');
  const cases = obj(t.cases, 'training.cases');
  const metrics = obj(c.metrics, 'metrics');
  for (const [k, v] of Object.entries(metrics)) if (typeof v !== 'number' && typeof v !== 'string') fail(`metrics.${k}`, 'must be a number or a string');

  return {
    schemaVersion: MODEL_CARD_SCHEMA_VERSION,
    name: str(c.name, 'name'),
    version: str(c.version, 'version'),
    architecture: str(c.architecture, 'architecture'),
    onnx: { file: onnxFile, sha256: sha, opset: num(onnx.opset, 'onnx.opset') },
    inputName: str(c.inputName, 'inputName'),
    inputs,
    outputs,
    combine: c.combine as 'mean' | 'first',
    targetSpacing: triple(c.targetSpacing, 'targetSpacing', true),
    patchSize: patch,
    overlap,
    threshold,
    minComponentMl,
    fillHoles: c.fillHoles === true,
    structure: { name: str(s.name, 'structure.name'), interpretedType: str(s.interpretedType, 'structure.interpretedType'), color },
    training: {
      method: str(t.method, 'training.method'),
      data: str(t.data, 'training.data'),
      labelledFraction: num(t.labelledFraction, 'training.labelledFraction'),
      cases: { labelled: num(cases.labelled, 'training.cases.labelled'), unlabelled: num(cases.unlabelled, 'training.cases.unlabelled') },
      licence: str(t.licence, 'training.licence'),
    },
    metrics: metrics as Record<string, number | string>,
    intendedUse: str(c.intendedUse, 'intendedUse'),
    licence: str(c.licence, 'licence'),
  };
}

function parseNormalization(
  v: unknown,
  f: string,
  fail: (field: string, what: string) => never,
  obj: (v: unknown, f: string) => Record<string, unknown>,
  num: (v: unknown, f: string) => number,
): ChannelNormalization {
  const n = obj(v, f);
  switch (n.method) {
    case 'window': {
      const min = num(n.min, `${f}.min`), max = num(n.max, `${f}.max`);
      if (max <= min) fail(f, 'needs max > min');
      return { method: 'window', min, max };
    }
    case 'zscore-fixed': {
      const std = num(n.std, `${f}.std`);
      if (std <= 0) fail(`${f}.std`, 'must be positive');
      return { method: 'zscore-fixed', mean: num(n.mean, `${f}.mean`), std };
    }
    case 'zscore-foreground':
      return { method: 'zscore-foreground', threshold: num(n.threshold, `${f}.threshold`) };
    case 'minmax-percentile': {
      const lower = num(n.lower, `${f}.lower`), upper = num(n.upper, `${f}.upper`);
      if (lower < 0 || upper > 100 || upper <= lower) fail(f, 'needs 0 ≤ lower < upper ≤ 100');
      return { method: 'minmax-percentile', lower, upper };
    }
    default:
      return fail(`${f}.method`, "must be 'window', 'zscore-fixed', 'zscore-foreground' or 'minmax-percentile'");
  }
}
