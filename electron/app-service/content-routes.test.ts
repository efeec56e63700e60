import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { identity4 } from '../pipeline/volume/geometry.ts';
import { contentSecurityPolicy, resolveRoute } from './content-routes.ts';
import { VolumeStore } from './volume-store.ts';

describe('resolveRoute', () => {
  const store = new VolumeStore('delineo://volume/');
  const h = store.add({
    data: new Int16Array([1, -2, 3, 4]), size: [2, 2, 1], affine: identity4(), frameOfReferenceUID: '1',
    modality: 'CT', units: 'HU', sopInstanceUIDs: [''], seriesInstanceUID: '1',
  }, 'study');

  it('serves volume bytes little-endian by id', () => {
    const r = resolveRoute('volume', h.id, '/r', store);
    expect(r.kind).toBe('volume');
    if (r.kind === 'volume') expect(Array.from(new Int16Array(r.bytes.slice().buffer))).toEqual([1, -2, 3, 4]);
    expect(resolveRoute('volume', 'nope', '/r', store)).toEqual({ kind: 'not-found', reason: 'no such volume' });
  });

  it('serves app files inside the renderer folder only', () => {
    expect(resolveRoute('app', 'assets/a.js', '/r', store)).toEqual({ kind: 'file', file: path.resolve('/r/assets/a.js'), type: 'text/javascript; charset=utf-8' });
    expect(resolveRoute('app', '', '/r', store)).toMatchObject({ kind: 'file', file: path.resolve('/r/index.html') });
    for (const evil of ['../etc/passwd', '%2e%2e/etc/passwd', 'a/../../x', '/../../x', '%E0%A4%A']) {
      expect(resolveRoute('app', evil, '/r', store).kind).toBe('not-found');
    }
    expect(resolveRoute('file', 'x', '/r', store).kind).toBe('not-found');
  });

  it('the CSP allows no remote content and no eval', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
  });
});
