/**
 * Electron main: app lifecycle, the window, security settings and the menu. Everything the
 * window asks for goes to the AppService (electron/app-service/, no electron import) through
 * validated IPC; our content and volume bytes come from the privileged `delineo://` protocol.
 * Kept thin on purpose: logic lives where Node tests reach it.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session, utilityProcess, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppService } from './app-service/app-service.ts';
import { appInfo, NOT_FOR_CLINICAL_USE } from './app-service/app-info.ts';
import { contentSecurityPolicy, resolveRoute } from './app-service/content-routes.ts';
import { realPipeline } from './app-service/pipeline-adapter.ts';
import { utilityLauncher, type UtilityFork } from './app-service/utility-launcher.ts';
import { registerHandlers } from './ipc/register.ts';
import { EVENTS, type MenuCommand } from './ipc/contract.ts';
import { InferenceHost } from './pipeline/inference/index.ts';

// Defined by Forge's Vite plugin.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const here = path.dirname(fileURLToPath(import.meta.url));
const devServer = typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined;
const rendererDir = path.join(here, '..', 'renderer', typeof MAIN_WINDOW_VITE_NAME === 'string' ? MAIN_WINDOW_VITE_NAME : 'main_window');
// Packaged: demo/ is an extra resource; in development it is the checkout's.
const demoDir = app.isPackaged ? path.join(process.resourcesPath, 'demo', 'sts-002') : path.join(here, '..', '..', 'demo', 'sts-002');
// Bundled, the pipeline's own default (relative to its source file) no longer points anywhere useful.
const modelsDir = app.isPackaged ? path.join(process.resourcesPath, 'models') : path.join(here, '..', '..', 'native-models', 'models');

protocol.registerSchemesAsPrivileged([
  { scheme: 'delineo', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  let service: AppService | null = null;

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  // Every web contents, now or later: no navigation, no new windows, no webviews.
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    // PHI never leaves the machine: nothing but our own scheme (and the dev server in development).
    ses.webRequest.onBeforeRequest((details, callback) => {
      const ok = details.url.startsWith('delineo:') || details.url.startsWith('devtools:') || (devServer !== undefined && details.url.startsWith(devServer));
      callback({ cancel: !ok });
    });

    const host = new InferenceHost({ launch: utilityLauncher(utilityProcess.fork as unknown as UtilityFork, path.join(here, 'utility-worker-entry.js')) });
    const svc = new AppService({
      volumeUrlBase: 'delineo://volume/',
      dataDir: app.getPath('userData'),
      appInfo: appInfo(app.getVersion(), demoDir),
      pipeline: realPipeline({ inferenceHost: host, modelsDir }),
      dialogs: {
        async openStudy() {
          const r = await dialog.showOpenDialog(win!, { title: 'Open a DICOM study', properties: ['openFile', 'openDirectory', 'multiSelections'] });
          return r.canceled ? [] : r.filePaths;
        },
        async chooseFolder(title) {
          const r = await dialog.showOpenDialog(win!, { title: title ?? 'Choose a folder', properties: ['openDirectory', 'createDirectory'] });
          return r.canceled ? null : r.filePaths[0] ?? null;
        },
      },
    });
    service = svc;

    const csp = contentSecurityPolicy();
    protocol.handle('delineo', async (request) => {
      const url = new URL(request.url);
      const route = resolveRoute(url.host, decodeURIComponent(url.pathname.slice(1)), rendererDir, svc.volumes);
      if (route.kind === 'volume') return new Response(route.bytes as unknown as ConstructorParameters<typeof Response>[0], { headers: { 'content-type': 'application/octet-stream' } });
      if (route.kind === 'file') {
        const res = await net.fetch(pathToFileURL(route.file).toString());
        return new Response(res.body, { status: res.status, headers: { 'content-type': route.type, 'content-security-policy': csp } });
      }
      return new Response('not found', { status: 404 });
    });

    registerHandlers(ipcMain, (channel, req) => svc.invoke(channel, req), devServer);

    win = new BrowserWindow({
      width: 1500, height: 950, minWidth: 1000, minHeight: 650,
      title: `Delineo — ${NOT_FOR_CLINICAL_USE}`,
      backgroundColor: '#121417',
      webPreferences: {
        preload: path.join(here, 'preload.js'),
        contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
        webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    // The page's title carries the warning too; never let it drop.
    win.on('page-title-updated', (e, title) => {
      if (!title.includes('NOT FOR CLINICAL USE')) e.preventDefault();
    });
    const send = (event: string, payload: unknown) => {
      if (win && !win.isDestroyed()) win.webContents.send(event, payload);
    };
    svc.on((event, payload) => send(event, payload));
    const command = (c: MenuCommand) => () => send(EVENTS.menuCommand, { command: c });
    const template: MenuItemConstructorOptions[] = [
      { label: 'File', submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: command('open-study') },
        { label: 'Open demo', click: command('open-demo') },
        { type: 'separator' }, { role: 'quit' },
      ] },
      { role: 'editMenu' },
      { label: 'Help', submenu: [{ label: 'About Delineo', click: command('about') }] },
    ];
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
    void win.loadURL(devServer ?? 'delineo://app/index.html');
  });

  // Pending journal writes reach the disk before the app goes.
  let flushed = false;
  app.on('before-quit', (e) => {
    if (flushed || !service) return;
    e.preventDefault();
    void service.flush().finally(() => {
      flushed = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
}
