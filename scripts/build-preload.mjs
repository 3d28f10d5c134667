// Bundles the hook into one small CommonJS file: `--require` loads it into every process and
// worker thread of a run, and one file starts faster than a tree of modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/hook/preload.ts'],
  outfile: 'dist/preload.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
