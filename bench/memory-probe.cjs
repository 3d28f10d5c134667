// Loaded into the wflo process by bench/memory.mjs (`node --expose-gc --require memory-probe.cjs
// bin/wflo.js run ...`), never into the script: on SIGUSR2 it runs what BENCH_MEMORY_PROBE.cmd
// asks — `measure` (two full GCs, then process.memoryUsage) or `snapshot <file>` (a heap
// snapshot, which collects first) — and appends one JSON line to BENCH_MEMORY_PROBE.
'use strict';
const fs = require('node:fs');
const v8 = require('node:v8');

const out = process.env.BENCH_MEMORY_PROBE;
if (out) {
  process.on('SIGUSR2', () => {
    const [cmd, file] = fs.readFileSync(`${out}.cmd`, 'utf8').trim().split(' ');
    let result;
    if (cmd === 'snapshot') {
      v8.writeHeapSnapshot(file);
      result = { snapshot: file };
    } else {
      globalThis.gc?.();
      globalThis.gc?.();
      const m = process.memoryUsage();
      result = { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, gc: typeof globalThis.gc === 'function' };
    }
    fs.appendFileSync(out, `${JSON.stringify(result)}\n`);
  });
}
