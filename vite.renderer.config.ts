/**
 * Vite build of the renderer (Svelte 5 + vtk.js). Used by Forge's Vite plugin (`npm start`)
 * and on its own: `vite build -c vite.renderer.config.ts` writes `.vite/renderer/main_window/`,
 * the folder the app's `delineo://app/` protocol and the e2e bridge serve.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(here, 'renderer'),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: path.join(here, '.vite', 'renderer', 'main_window'),
    emptyOutDir: true,
    target: 'chrome130',
    // vtk.js is large; one chunk keeps the protocol handler simple and start-up predictable.
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
