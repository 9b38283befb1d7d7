import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        // The worker that reads crash files off the main process's event loop (src/core/offload).
        input: { index: resolve('src/main/index.ts'), 'offload-worker': resolve('src/core/offload/offload-worker.ts') },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs' } } },
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    plugins: [react()],
    // Minified: the UI's code is parsed on every start of the window. Monaco is its own chunk
    // (SourceView loads it lazily), so the first paint waits for none of it.
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } }, minify: true, chunkSizeWarningLimit: 4000 },
  },
});
