import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The ops console: a static single-page app that the api serves from `dist/apps/api/console` (its
 * ConsoleController). Everything it needs is bundled: no CDN, and the page runs under a CSP with no
 * inline script, so nothing here may inject one (Vite's module-preload polyfill is a bundled module).
 */
const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: resolve(here, '../../../dist/apps/api/console'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
  },
});
