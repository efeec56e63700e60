/**
 * The e2e harness: the real service (real pipeline) behind the HTTP bridge, the built renderer,
 * and Debian's Chromium driven by playwright-core. The renderer must have been built
 * (`vite build -c vite.renderer.config.ts`); the harness builds it when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AppService } from '../../electron/app-service/app-service.ts';
import { appInfo } from '../../electron/app-service/app-info.ts';
import { startBridge, type Bridge } from '../../electron/app-service/http-bridge.ts';
import { realPipeline } from '../../electron/app-service/pipeline-adapter.ts';
import { ARTIFACTS, REPO_ROOT } from '../paths.ts';

export const RENDERER_DIR = path.join(REPO_ROOT, '.vite', 'renderer', 'main_window');
export const E2E_ARTIFACTS = path.join(ARTIFACTS, 'e2e');
export const DEMO_DIR = path.join(REPO_ROOT, 'demo', 'sts-002');

/** Newest modification time of the files under `dir` (0 when there are none). */
function newestMtime(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((newest, e) => Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
}

/** Build the renderer if it is not there or older than its sources (a stale build tests old code). */
export function ensureRendererBuilt(): void {
  const index = path.join(RENDERER_DIR, 'index.html');
  const sources = ['renderer/src', 'electron/ipc'].map((d) => newestMtime(path.join(REPO_ROOT, d)));
  if (existsSync(index) && statSync(index).mtimeMs > Math.max(...sources) && !process.env.DELINEO_E2E_REBUILD) return;
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/** A running harness. */
export interface Harness {
  readonly bridge: Bridge;
  readonly browser: Browser;
  readonly page: Page;
  readonly dataDir: string;
  readonly exportDir: string;
  /** Console errors and page errors seen so far. */
  readonly problems: string[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Start bridge + Chromium and load the app. `dataDir` reuses a data folder (journal tests);
 * `openPaths` is what the scripted Open dialog returns (default: the demo); `modelsDir` is
 * where model cards are looked for (default: the shipped models).
 */
export async function startHarness(options: { dataDir?: string; viewport?: { width: number; height: number }; openPaths?: string[]; modelsDir?: string } = {}): Promise<Harness> {
  ensureRendererBuilt();
  await mkdir(E2E_ARTIFACTS, { recursive: true });
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'delineo-e2e-data-')));
  const exportDir = await mkdtemp(path.join(tmpdir(), 'delineo-e2e-export-'));
  const bridge = await startBridge({
    rendererDir: RENDERER_DIR,
    client: { dropRoot: path.dirname(DEMO_DIR) },
    makeService: (volumeUrlBase) => new AppService({
      volumeUrlBase, dataDir, appInfo: appInfo('e2e', DEMO_DIR),
      ...(options.modelsDir ? { pipeline: realPipeline({ modelsDir: options.modelsDir }) } : {}),
      dialogs: { openStudy: async () => options.openPaths ?? [DEMO_DIR], chooseFolder: async () => exportDir },
    }),
  });
  const browser = await chromium.launch({
    // Debian's Chromium here; CI runners point DELINEO_CHROMIUM at their preinstalled Chrome.
    executablePath: process.env.DELINEO_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 860 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(bridge.url + '/index.html');
  return {
    bridge, browser, page, dataDir, exportDir, problems,
    async shot(name) {
      const file = path.join(E2E_ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close();
      await bridge.close();
    },
  };
}
