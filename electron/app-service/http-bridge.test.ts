import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identity4 } from '../pipeline/volume/geometry.ts';
import { appInfo } from './app-info.ts';
import { AppService } from './app-service.ts';
import { startBridge, type Bridge } from './http-bridge.ts';

function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('HTTP bridge', () => {
  let bridge: Bridge;
  let rendererDir: string;

  beforeAll(async () => {
    rendererDir = await mkdtemp(path.join(tmpdir(), 'delineo-bridge-'));
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'delineo-bridge-data-'));
    bridge = await startBridge({ rendererDir, makeService: (base) => new AppService({ volumeUrlBase: base, dataDir, appInfo: appInfo('t', null) }) });
  });
  afterAll(() => bridge.close());

  it('listens on loopback and injects the client before the app', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await raw(`${bridge.url}/index.html`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain('<head><script src="/bridge-client.js"></script>');
    expect(String(r.headers['content-security-policy'])).toContain("default-src 'none'");
    const js = await raw(`${bridge.url}/bridge-client.js`);
    expect(js.body.toString()).toMatch(/defineProperty\(globalThis, ["']delineo["']/);
  });

  it('answers invoke with ApiResult values and validates like the app', async () => {
    const info = await raw(`${bridge.url}/invoke/app:info`, { method: 'POST', headers: { 'x-delineo': '1' }, body: '{}' });
    expect(JSON.parse(info.body.toString())).toMatchObject({ ok: true, value: { name: 'Delineo', researchBuild: true } });
    const bad = await raw(`${bridge.url}/invoke/study:open`, { method: 'POST', headers: { 'x-delineo': '1' }, body: '{"paths":"/etc"}' });
    expect(JSON.parse(bad.body.toString())).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const unknown = await raw(`${bridge.url}/invoke/fs:read`, { method: 'POST', headers: { 'x-delineo': '1' }, body: '{}' });
    expect(JSON.parse(unknown.body.toString())).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'unknown channel fs:read' } });
  });

  it('refuses a foreign Host (DNS rebinding), a post without its header, and paths outside the app', async () => {
    const port = new URL(bridge.url).port;
    expect((await raw(`${bridge.url}/index.html`, { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect((await raw(`${bridge.url}/invoke/app:info`, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await raw(`${bridge.url}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await raw(`${bridge.url}/volume/nope`)).status).toBe(404);
  });

  it('serves volume bytes and takes a binary request field', async () => {
    const v = bridge.service.volumes.add({
      data: new Float32Array([1.5, -2]), size: [2, 1, 1], affine: identity4(), frameOfReferenceUID: '1',
      modality: 'PT', units: 'SUVbw', sopInstanceUIDs: [''], seriesInstanceUID: '1',
    }, 'owner');
    expect(v.url).toBe(`${bridge.url}/volume/${v.id}`);
    const r = await raw(v.url);
    expect(Array.from(new Float32Array(r.body.buffer.slice(r.body.byteOffset, r.body.byteOffset + r.body.byteLength)))).toEqual([1.5, -2]);
    // A binary field travels as the body; the service sees an ArrayBuffer and answers (unknown study).
    const edit = await raw(`${bridge.url}/invoke/structure:save-edits`, {
      method: 'POST',
      headers: { 'x-delineo': '1', 'x-delineo-binary-field': 'mask', 'x-delineo-request': encodeURIComponent(JSON.stringify({ studyId: 's', structureId: 'x' })) },
      body: Buffer.from([0, 1, 1]),
    });
    expect(JSON.parse(edit.body.toString())).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('no open study s') } });
  });
});
