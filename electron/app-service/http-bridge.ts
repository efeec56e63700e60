/**
 * The e2e HTTP bridge: serves the built renderer with a `window.delineo` that talks HTTP to an
 * AppService, so headless Chromium drives the real renderer against the real pipeline through
 * the same API contract as the app. Loopback only; requests must carry the right Host header
 * (no DNS rebinding) and a custom header (no cross-site form posts).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppService } from './app-service.ts';
import { clientScript, type BridgeClientConfig } from './bridge-client.ts';
import { contentSecurityPolicy, resolveRoute } from './content-routes.ts';

/** How to start a bridge. */
export interface BridgeOptions {
  /** Builds the service once the port (hence the volume URL base) is known. */
  readonly makeService: (volumeUrlBase: string) => AppService;
  /** The built renderer (vite build output). */
  readonly rendererDir: string;
  readonly client?: BridgeClientConfig;
  /** 0 (default) picks a free port. */
  readonly port?: number;
}

/** A running bridge. */
export interface Bridge {
  readonly url: string;
  readonly service: AppService;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 30;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY) throw new Error('request too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

/** Start the bridge on 127.0.0.1. */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  let service: AppService | null = null;
  let host = '';
  const csp = contentSecurityPolicy();
  const script = clientScript(options.client ?? { dropRoot: null });
  const streams = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void (async () => {
      if (!service || req.headers.host !== host) return send(res, 403, 'text/plain', 'forbidden host');
      const url = new URL(req.url ?? '/', `http://${host}`);
      const [, area = '', ...restParts] = url.pathname.split('/');
      const rest = restParts.join('/');
      if (req.method === 'POST' && area === 'invoke') {
        if (req.headers['x-delineo'] !== '1') return send(res, 403, 'text/plain', 'missing x-delineo header');
        let request: unknown;
        try {
          const body = await readBody(req);
          const field = req.headers['x-delineo-binary-field'];
          if (typeof field === 'string') {
            const head = JSON.parse(decodeURIComponent(String(req.headers['x-delineo-request'] ?? '{}'))) as Record<string, unknown>;
            head[field] = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
            request = head;
          } else {
            request = JSON.parse(body.toString('utf8'));
          }
        } catch (e) {
          return send(res, 200, 'application/json', JSON.stringify({ ok: false, error: { code: 'INVALID_ARGUMENT', message: `unreadable request: ${String(e)}` } }));
        }
        const result = await service.invoke(decodeURIComponent(rest) as never, request);
        return send(res, 200, 'application/json', JSON.stringify(result));
      }
      if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
      if (area === 'events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (area === 'bridge-client.js') return send(res, 200, 'text/javascript; charset=utf-8', script);
      if (area === 'volume') {
        const route = resolveRoute('volume', rest, options.rendererDir, service.volumes);
        return route.kind === 'volume' ? send(res, 200, 'application/octet-stream', route.bytes) : send(res, 404, 'text/plain', 'no such volume');
      }
      const route = resolveRoute('app', url.pathname.slice(1), options.rendererDir, service.volumes);
      if (route.kind !== 'file') return send(res, 404, 'text/plain', 'not found');
      let body: Buffer;
      try {
        body = await readFile(route.file);
      } catch {
        return send(res, 404, 'text/plain', 'not found');
      }
      if (route.type.startsWith('text/html')) {
        // The bridge client must define window.delineo before the app's module script runs.
        body = Buffer.from(body.toString('utf8').replace('<head>', '<head><script src="/bridge-client.js"></script>'));
      }
      send(res, 200, route.type, body, { 'content-security-policy': csp });
    })().catch((e) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(e));
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  service = options.makeService(`${url}/volume/`);
  service.on((event, payload) => {
    const line = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const s of streams) s.write(line);
  });
  const svc = service;
  return {
    url,
    service: svc,
    async close() {
      await svc.flush();
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
