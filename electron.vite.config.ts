import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

// import.meta.url, not import.meta.dirname: electron-vite bundles this file and injects only the former.
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dev server injects an inline script (React Refresh preamble), which the strict CSP in
 * renderer/index.html forbids; relax script-src for `serve` only. Production builds keep the strict policy.
 */
function devCspPlugin(): Plugin {
  return {
    name: 'dproc:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'electron/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() anything but electron: bundle everything into one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), devCspPlugin()],
    worker: { format: 'es' },
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      minify: true,
      // elkjs is one 1.4 MB file (in the layout worker, and again as the main-thread fallback chunk).
      chunkSizeWarningLimit: 1600,
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
