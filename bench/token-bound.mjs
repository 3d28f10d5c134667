// The exact input bound (dist/token-bound.cjs, npm run build first): cold load per encoding, each
// in a fresh process, then the time to bound 2 KB, 100 KB and 1 MB requests, and bundle sizes.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const bundle = `${dist}token-bound.cjs`;
const RUNS = 5;

/** A fresh process: require the bundle, then the first count (which builds the encoding's tables). */
function cold(model) {
  const script = `const t0 = performance.now(); const m = require(${JSON.stringify(bundle)}); const t1 = performance.now();
m.openAiInputTokensBound('chat.completions', { model: ${JSON.stringify(model)}, messages: [{ role: 'user', content: 'Hello' }] });
const t2 = performance.now(); console.log(JSON.stringify([t1 - t0, t2 - t1, process.memoryUsage().rss]));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const [model, encoding] of [['gpt-4o', 'o200k_base'], ['gpt-4', 'cl100k_base']]) {
  const runs = Array.from({ length: RUNS }, () => cold(model));
  console.log(`cold ${encoding}: require ${median(runs.map((r) => r[0])).toFixed(1)} ms + first count ${median(runs.map((r) => r[1])).toFixed(1)} ms`
    + ` (median of ${RUNS}; rss ${(median(runs.map((r) => r[2])) / 1e6).toFixed(0)} MB)`);
}

const { openAiInputTokensBound } = createRequire(import.meta.url)(bundle);
const para = 'The quick brown fox reports on grid storage, 电网规模电池储能, and {"json": [1,2,3]}. ';
for (const kb of [2, 100, 1000]) {
  const content = para.repeat(Math.ceil((kb * 1024) / Buffer.byteLength(para)));
  // Distinct text per run: gpt-tokenizer caches merges, a repeated text would time the cache.
  const body = (i) => ({ model: 'gpt-4o', messages: [{ role: 'system', content: `run ${i}` }, { role: 'user', content: `${i} ${content}` }] });
  openAiInputTokensBound('chat.completions', body(-1));
  const times = [];
  let n = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    n = openAiInputTokensBound('chat.completions', body(i));
    times.push(performance.now() - t);
  }
  console.log(`${kb} KB request: bound ${n} tokens in ${median(times).toFixed(2)} ms (byte bound ${Buffer.byteLength(JSON.stringify(body(0)))})`);
}

for (const file of ['preload.cjs', 'install-hook.cjs', 'token-bound.cjs']) console.log(`dist/${file}: ${(statSync(`${dist}${file}`).size / 1024).toFixed(0)} KB`);
