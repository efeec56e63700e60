/**
 * Execution-provider choice: which ONNX Runtime providers to try, in order, for a device
 * request on this platform, and how many CPU threads to give a session.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PipelineError } from '../errors.ts';

/** What the user asked for ('auto' picks the best present and reports what it got). */
export type DeviceChoice = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';

/** The device choices accepted on the command line and over IPC. */
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

/** GPU providers that exist on each platform, best first. */
const GPU_PROVIDERS: Readonly<Record<string, readonly DeviceChoice[]>> = {
  linux: ['cuda'],
  win32: ['cuda', 'dml'],
  darwin: ['coreml'],
};

/**
 * Providers to try in order. 'auto' → the platform's GPU providers then 'cpu' (a failed GPU
 * provider is logged, then the next is tried); an explicit choice → only that provider, so a
 * GPU that is asked for and absent is an error, never a silent CPU run.
 */
export function providerCandidates(choice: DeviceChoice, platform: NodeJS.Platform = process.platform): DeviceChoice[] {
  if (!DEVICE_CHOICES.includes(choice)) {
    throw new PipelineError('INVALID_ARGUMENT', `unknown device '${String(choice)}' (expected ${DEVICE_CHOICES.join(', ')})`);
  }
  const gpus = GPU_PROVIDERS[platform] ?? [];
  if (choice === 'auto') return [...gpus, 'cpu'];
  if (choice !== 'cpu' && !gpus.includes(choice)) {
    throw new PipelineError('MODEL_DEVICE', `device '${choice}' does not exist on ${platform} (available: ${[...gpus, 'cpu'].join(', ')})`);
  }
  return [choice];
}

/**
 * Physical CPU cores (not hyper-threads): ONNX Runtime's convolutions saturate a core's
 * vector units, so SMT siblings add contention rather than speed. Linux reads /proc/cpuinfo;
 * elsewhere falls back to the logical count.
 */
export function physicalCoreCount(): number {
  const logical = os.availableParallelism();
  if (process.platform !== 'linux') return logical;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const cores = new Set<string>();
    let phys = '0';
    for (const line of info.split('\n')) {
      const [k, v] = line.split(':').map((s) => s?.trim());
      if (k === 'physical id') phys = v;
      else if (k === 'core id') cores.add(`${phys}:${v}`);
    }
    // Containers may expose fewer CPUs than the host has cores: never exceed what we may use.
    return Math.max(1, Math.min(cores.size || logical, logical));
  } catch {
    return logical;
  }
}
