import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by `npm run build` into dist/ui-web, which `wflo ui` serves: the package carries the
// dashboard, so it needs no network and no install at run time.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/ui-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One bundle: React, uPlot and the pages are ~250 KB, read from loopback.
    chunkSizeWarningLimit: 600,
  },
});
