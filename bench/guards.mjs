// `npm run bench` (guards): what the guards add to each call. The same latency agent under
// `wflo run` with every guard on (loops, circuits, retries, an agent budget, a burn-rate breaker)
// and with --no-guards, alternated round by round; medians of all calls. Target: <= 0.1 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeProvider } from '../dist/simulator/server.js';
import { median, percentile, round, runNode, table, verdict } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'wflo.js');
const AGENT = path.join(ROOT, 'bench', 'agents', 'latency.mjs');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const CALLS = { calls: 200, streams: 0, warmup: 30 };
const TARGET_MS = 0.1;

const loadBefore = os.loadavg()[0];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-bench-guards-'));
// Every guard on, with generous limits so nothing trips: what is measured is the checking.
fs.writeFileSync(path.join(tmp, 'wflo.config.json'), JSON.stringify({ agents: { '(bench)': { budget: 50, maxUsdPerMinute: 50 } }, onLoop: 'stop' }));
const provider = await startFakeProvider({ latencyMs: 0, chunkDelayMs: 0 });
const env = { ...process.env, CI: '1', OPENAI_BASE_URL: provider.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench', BENCH_AGENT: '(bench)' };
delete env.WFLO_SOCKET;
const samples = { on: [], off: [] };
let failed = false;
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of r % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
    process.stderr.write(`guards round ${r + 1}/${ROUNDS}: ${mode}\n`);
    const args = [BIN, 'run', AGENT, '--db', path.join(tmp, `${mode}-${r}.db`), '--budget', '100', ...(mode === 'off' ? ['--no-guards'] : []),
      '--', ...[CALLS.calls, CALLS.streams, CALLS.warmup].map(String)];
    const result = await runNode(args, { env, stderrFile: path.join(tmp, `${mode}-${r}.stderr`), cwd: tmp });
    if (!result.ok || !result.json) { failed = true; console.error(`${mode} round ${r + 1} failed:\n${result.stderrTail()}`); continue; }
    samples[mode].push(...result.json.plain);
  }
}
// A burst too: guards keep per-circuit windows, so their cost must not grow with the calls in a window.
const THROUGHPUT = path.join(ROOT, 'bench', 'agents', 'throughput.mjs');
const burst = {};
for (const mode of ['on', 'off']) {
  process.stderr.write(`guards burst: ${mode}\n`);
  const args = [BIN, 'run', THROUGHPUT, '--db', path.join(tmp, `burst-${mode}.db`), '--budget', '100', ...(mode === 'off' ? ['--no-guards'] : []), '--', '4', '2500', '16'];
  const result = await runNode(args, { env, stderrFile: path.join(tmp, `burst-${mode}.stderr`), cwd: tmp });
  if (!result.ok || !result.json) { failed = true; console.error(`burst ${mode} failed:\n${result.stderrTail()}`); continue; }
  const made = result.json.children.reduce((n, c) => n + c.ok, 0);
  const ms = Math.max(...result.json.children.map((c) => c.last)) - Math.min(...result.json.children.map((c) => c.first));
  burst[mode] = { callsPerSec: Math.round((1000 * made) / ms), supervisorCpuUsPerCall: result.json.supervisor ? Math.round((1000 * result.json.supervisor.cpuMs) / made) : null };
}
await provider.close();
const on = { median: median(samples.on), p95: percentile(samples.on, 95) };
const off = { median: median(samples.off), p95: percentile(samples.off, 95) };
const added = on.median - off.median;
console.log(`\nguards on the per-call path (${ROUNDS} rounds × ${CALLS.calls} sequential calls each way; load ${round(loadBefore, 2)} before)`);
console.log(table([
  ['', 'median ms', 'p95 ms'],
  ['guards off (--no-guards)', round(off.median), round(off.p95)],
  ['guards on', round(on.median), round(on.p95)],
  ['added', round(added), ''],
]));
console.log(`target: added median <= ${TARGET_MS} ms: ${verdict(added <= TARGET_MS)}`);
if (burst.on && burst.off) {
  console.log(`burst (4 processes × 2,500 calls, 16 in flight): guards off ${burst.off.callsPerSec} calls/s, supervisor ${burst.off.supervisorCpuUsPerCall} µs/call; `
    + `guards on ${burst.on.callsPerSec} calls/s, supervisor ${burst.on.supervisorCpuUsPerCall} µs/call`);
}
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'guards.json'), `${JSON.stringify({ rounds: ROUNDS, calls: CALLS, off, on, addedMedianMs: round(added), burst }, null, 2)}\n`);
process.exitCode = failed ? 1 : 0;
