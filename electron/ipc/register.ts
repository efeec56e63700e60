/**
 * Registers every request channel on Electron's ipcMain through one helper that refuses
 * requests from any frame but our own page and validates arguments before the service sees
 * them (VS Code's `validatedIpcMain` habit). Typed structurally so it needs no `electron`
 * import and is tested in Node.
 */
import { CHANNEL_NAMES, type ApiResult, type Channel } from './contract.ts';
import { validateRequest } from './validate.ts';

/** The part of an IpcMainInvokeEvent this helper reads. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's ipcMain this helper uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** What answers a validated request (AppService.invoke). */
export type Invoke = (channel: Channel, request: unknown) => Promise<ApiResult<unknown>>;

/**
 * True when a frame URL is our own page: the `delineo://app/` origin, or the Vite dev server
 * given in development. Anything else (a navigated-away frame, an injected iframe) is refused.
 */
export function isTrustedFrameUrl(url: string, devServerUrl?: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'delineo:' && u.host === 'app') return true;
    if (devServerUrl) {
      const d = new URL(devServerUrl);
      return u.origin === d.origin && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
    }
  } catch { /* not a URL: refused below */ }
  return false;
}

/** Register a handler for every channel; returns a function that removes them all. */
export function registerHandlers(ipc: IpcMainLike, invoke: Invoke, devServerUrl?: string): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipc.handle(channel, async (event, ...args) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedFrameUrl(url, devServerUrl)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: `request ${channel} from an untrusted frame refused` } };
      }
      if (args.length !== 1) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${channel}: expected one request object` } };
      const problem = validateRequest(channel, args[0]);
      if (problem) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: problem } };
      return invoke(channel, args[0]);
    });
  }
  return () => { for (const c of CHANNEL_NAMES) ipc.removeHandler(c); };
}
