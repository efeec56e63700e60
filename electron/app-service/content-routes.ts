/**
 * What our own URLs resolve to, shared by the Electron `delineo://` protocol handler and the
 * e2e HTTP bridge: `app/<file>` → a file of the built renderer (never outside its folder),
 * `volume/<id>` → raw voxel bytes. Also the one Content-Security-Policy both serve.
 */
import path from 'node:path';
import type { VolumeStore } from './volume-store.ts';

/**
 * The renderer's CSP: nothing by default; our own scripts; vtk.js needs inline style
 * attributes (it sizes its canvas with style=) and blob: workers; volume bytes come from our
 * origin (`connect-src`). No eval, no remote anything.
 */
export function contentSecurityPolicy(extraConnect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${['delineo:', ...extraConnect].join(' ')}`,
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.map': 'application/json',
};

/** Content type of a renderer file by extension. */
export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** A resolved request. */
export type Route =
  | { readonly kind: 'file'; readonly file: string; readonly type: string }
  | { readonly kind: 'volume'; readonly bytes: Uint8Array }
  | { readonly kind: 'not-found'; readonly reason: string };

/**
 * Resolve `<area>/<rest>` (the URL's host and path in the app, the path in the bridge).
 * A path that escapes the renderer folder (`..`, encoded or not) is not found, never served.
 */
export function resolveRoute(area: string, rest: string, rendererDir: string, volumes: VolumeStore): Route {
  if (area === 'volume') {
    const bytes = volumes.bytes(decodeURIComponent(rest));
    return bytes ? { kind: 'volume', bytes } : { kind: 'not-found', reason: 'no such volume' };
  }
  if (area === 'app') {
    let rel: string;
    try {
      rel = decodeURIComponent(rest || 'index.html');
    } catch {
      return { kind: 'not-found', reason: 'bad path' };
    }
    const root = path.resolve(rendererDir);
    const file = path.resolve(root, '.' + path.posix.sep + rel.replace(/^\/+/, ''));
    if (file !== root && !file.startsWith(root + path.sep)) return { kind: 'not-found', reason: 'outside the app' };
    return { kind: 'file', file, type: mimeType(file) };
  }
  return { kind: 'not-found', reason: 'unknown area' };
}
