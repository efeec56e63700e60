import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from './contract.ts';
import { isTrustedFrameUrl, registerHandlers, type IpcMainLike, type InvokeEventLike } from './register.ts';

function fakeIpc() {
  const handlers = new Map<string, (e: InvokeEventLike, ...a: unknown[]) => Promise<unknown>>();
  const ipc: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
  return { ipc, handlers };
}

describe('registerHandlers', () => {
  it('registers every channel and forwards valid requests from our page', async () => {
    const { ipc, handlers } = fakeIpc();
    const seen: unknown[] = [];
    const remove = registerHandlers(ipc, async (c, r) => { seen.push([c, r]); return { ok: true, value: 'x' }; });
    expect([...handlers.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    const r = await handlers.get('study:open')!({ senderFrame: { url: 'delineo://app/index.html' } }, { paths: ['/d'] });
    expect(r).toEqual({ ok: true, value: 'x' });
    expect(seen).toEqual([['study:open', { paths: ['/d'] }]]);
    remove();
    expect(handlers.size).toBe(0);
  });

  it('refuses other frames and bad arguments without calling the service', async () => {
    const { ipc, handlers } = fakeIpc();
    let calls = 0;
    registerHandlers(ipc, async () => { calls++; return { ok: true, value: null }; });
    const h = handlers.get('study:open')!;
    expect(await h({ senderFrame: { url: 'https://evil.example/' } }, { paths: ['/'] })).toEqual({
      ok: false, error: { code: 'FORBIDDEN', message: 'request study:open from an untrusted frame refused' },
    });
    expect(await h({ senderFrame: null }, { paths: ['/'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await h({ senderFrame: { url: 'delineo://app/' } }, { paths: '/etc' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await h({ senderFrame: { url: 'delineo://app/' } }, { paths: ['/'] }, 'extra')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(calls).toBe(0);
  });

  it('trusts the dev server only on loopback and only when given', () => {
    expect(isTrustedFrameUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedFrameUrl('http://localhost:5173/', undefined)).toBe(false);
    expect(isTrustedFrameUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedFrameUrl('delineo://volume/abc', undefined)).toBe(false);
    expect(isTrustedFrameUrl('file:///etc/passwd', undefined)).toBe(false);
  });
});
