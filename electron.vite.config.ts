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
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } }, chunkSizeWarningLimit: 8000 },
  },
});
