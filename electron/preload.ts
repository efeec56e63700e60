/**
 * The preload: exposes `window.delineo` (the typed API of electron/ipc/contract.ts) and nothing
 * else. Channels and events outside the contract are refused here as well as in main.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, CHANNEL_NAMES, EVENT_NAMES, type ApiResult, type DelineoApi } from './ipc/contract.ts';

const channels = new Set<string>(CHANNEL_NAMES);
const events = new Set<string>(EVENT_NAMES);

const api: DelineoApi = {
  invoke(channel, request) {
    if (!channels.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown channel ${String(channel)}` } } as ApiResult<never>);
    }
    return ipcRenderer.invoke(channel, request);
  },
  on(event, listener) {
    if (!events.has(event)) return () => {};
    const handler = (_e: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(event, handler);
    return () => void ipcRenderer.removeListener(event, handler);
  },
  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file as unknown as File);
    } catch {
      return '';
    }
  },
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
