/**
 * Vitest for the renderer's rune state (`*.spec.ts`): the Svelte plugin compiles `$state` in
 * `*.svelte.ts` classes, which the root config (plain Node tests) does not. Run with
 * `vitest run -c renderer/vitest.config.ts`.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default defineConfig({
  root,
  plugins: [svelte()],
  test: {
    include: ['renderer/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
