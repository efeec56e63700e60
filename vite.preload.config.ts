/** Vite build of the preload (Forge's Vite plugin): one CommonJS file, since sandboxed preloads cannot load ES modules. */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: { external: ['electron'], output: { format: 'cjs', inlineDynamicImports: true } },
  },
});
