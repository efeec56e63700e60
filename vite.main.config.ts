/**
 * Vite build of the Electron main process (Forge's Vite plugin). Node built-ins, native modules
 * and the codec packages stay external: the codecs find their .wasm files beside their own
 * modules at run time (require.resolve), which a bundle would break.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: { external: [
      'electron',
      'onnxruntime-node',
      /^node:/,
      /^@cornerstonejs\/codec-/,
      'jpeg-lossless-decoder-js',
      'itk-wasm',
      /^@itk-wasm\//,
    ] },
  },
});
