/** Vite build of the Electron main process (Forge's Vite plugin). Node built-ins and native modules stay external. */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: { external: ['electron', 'onnxruntime-node', /^node:/] },
  },
});
