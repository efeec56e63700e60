/**
 * The browser side of the e2e HTTP bridge: a script that defines `window.delineo` with the
 * same shape the preload exposes, over fetch (requests), EventSource (events) and plain GETs
 * of `/volume/<id>` (bytes). Served as /bridge-client.js; `clientScript()` returns its text.
 *
 * Binary request fields (ArrayBuffer, e.g. an edited mask) travel as the POST body with the
 * rest of the request as JSON in the `x-delineo-request` header, so 12 MB masks are not
 * base64-inflated.
 */

/** Options baked into the served script. */
export interface BridgeClientConfig {
  /**
   * Stand-in for Electron's webUtils.getPathForFile: a browser cannot know where a dropped file
   * lives, so the harness names the folder its drops come from and the client joins the name.
   */
  readonly dropRoot: string | null;
}

/** Runs in the page (no imports; serialised with Function.prototype.toString). */
function install(config: BridgeClientConfig): void {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const source = new EventSource('/events');
  source.onmessage = (m) => {
    const { event, payload } = JSON.parse(m.data) as { event: string; payload: unknown };
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const api = {
    async invoke(channel: string, request: Record<string, unknown>) {
      let body: string | ArrayBuffer = JSON.stringify(request);
      const headers: Record<string, string> = { 'x-delineo': '1', 'content-type': 'application/json' };
      const binary = Object.keys(request ?? {}).find((k) => request[k] instanceof ArrayBuffer);
      if (binary) {
        const rest = { ...request };
        delete rest[binary];
        headers['x-delineo-request'] = encodeURIComponent(JSON.stringify(rest));
        headers['x-delineo-binary-field'] = binary;
        headers['content-type'] = 'application/octet-stream';
        body = request[binary] as ArrayBuffer;
      }
      try {
        const res = await fetch('/invoke/' + encodeURIComponent(channel), { method: 'POST', headers, body });
        return await res.json();
      } catch (e) {
        return { ok: false, error: { code: 'BRIDGE', message: 'the bridge did not answer: ' + String(e) } };
      }
    },
    on(event: string, listener: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    pathForFile(file: { name: string }) {
      return config.dropRoot ? config.dropRoot.replace(/\/+$/, '') + '/' + file.name : '';
    },
  };
  Object.defineProperty(globalThis, 'delineo', { value: Object.freeze(api), writable: false, configurable: false });
}

/** The script text served as /bridge-client.js. */
export function clientScript(config: BridgeClientConfig): string {
  return `(${install.toString()})(${JSON.stringify(config)});\n`;
}
