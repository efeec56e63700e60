/**
 * Electron Forge: `npm start` (Vite dev server + main/preload/worker builds) and `electron-forge
 * package`, whose output electron-builder turns into installers (build/electron-builder.yml).
 * Fuses turn off what a clinical desktop app never needs (run-as-node, NODE_OPTIONS, inspector)
 * and make the app load only from its integrity-checked asar.
 */
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

export default {
  packagerConfig: {
    name: 'Delineo',
    executableName: 'delineo',
    appBundleId: 'org.delineo.app',
    // Native libraries and codec .wasm files are loaded by path, so they live outside the asar.
    asar: { unpack: '**/{*.node,*.so,*.so.*,*.dylib,*.dll,*.wasm}' },
    // Models and the demo study are resources beside the asar (read by path at run time).
    extraResource: ['native-models/models', 'demo'],
    ignore: [/^\/(native-models|test|test-artifacts|bench|papers|\.github|out|dist)(\/|$)/],
  },
  rebuildConfig: {},
  makers: [],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
        // The ONNX Runtime worker, started as an Electron utilityProcess by main.
        { entry: 'electron/app-service/utility-worker-entry.ts', config: 'vite.main.config.ts', target: 'main' },
        // worker_threads scripts of the pipeline (DICOM parsing pool, rigid registration, resampling): the
        // pipeline finds them with workerScriptUrl (electron/pipeline/worker-script.ts), as .ts
        // beside the source or, bundled, as .js beside main.js.
        { entry: 'electron/pipeline/dicom/worker.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/pipeline/registration/rigid-mi.worker.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/pipeline/volume/resample.worker.ts', config: 'vite.main.config.ts', target: 'main' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};
