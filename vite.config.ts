import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: 'renderer',
  // Relative asset URLs so the same build loads from http://127.0.0.1 and from Electron's app://.
  base: './',
  plugins: [react()],
  // Served from disk or loopback, never over a slow network, so one large chunk is fine.
  build: { outDir: '../dist/renderer', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  // Vitest reads this file too: keep its root at the project so gateway tests are still found.
  test: { root: projectRoot },
});
