import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { physicalCoreCount, providerCandidates } from './providers.ts';

describe('providerCandidates', () => {
  it('auto tries the platform GPUs first, then the CPU', () => {
    expect(providerCandidates('auto', 'linux')).toEqual(['cuda', 'cpu']);
    expect(providerCandidates('auto', 'win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(providerCandidates('auto', 'darwin')).toEqual(['coreml', 'cpu']);
  });

  it('an explicit choice is tried alone: no silent CPU fallback', () => {
    expect(providerCandidates('cuda', 'linux')).toEqual(['cuda']);
    expect(providerCandidates('cpu', 'darwin')).toEqual(['cpu']);
    expect(providerCandidates('dml', 'win32')).toEqual(['dml']);
  });

  it('refuses a provider the platform does not have, and an unknown word', () => {
    expect(() => providerCandidates('dml', 'linux')).toThrow("device 'dml' does not exist on linux (available: cuda, cpu)");
    expect(() => providerCandidates('coreml', 'win32')).toThrow(/does not exist on win32/);
    expect(() => providerCandidates('gpu' as never, 'linux')).toThrow("unknown device 'gpu' (expected auto, cpu, cuda, dml, coreml)");
  });
});

describe('physicalCoreCount', () => {
  it('is between 1 and the logical CPU count', () => {
    const n = physicalCoreCount();
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(os.availableParallelism());
  });
});
