// `node bench/memory.mjs`: does the supervisor's memory grow with the number of calls?
// One agent process makes 100,000 non-streamed calls (16 in flight) under `wflo run` against the
// loopback fake provider, pausing at 0, 10k, 25k, 50k, 75k and 100k calls. At each pause, with
// nothing in flight, the wflo process is measured: RSS from /proc, then, through a probe loaded
// into it (bench/memory-probe.cjs; two full GCs first), RSS and V8's heapUsed again.
// Flat = from 10k to 100k calls, heapUsed after GC grows ≤ 2 MB (≈ 20 bytes a call) and the
// process's anonymous RSS ≤ 10 MB.
//
// Options: --calls N (default 100000), --concurrency N (16), --bin path/to/wflo.js (this repo's),
//   --endpoint chat|responses (chat completions, or the Responses API, whose ids wflo remembers),
//   --stops 200000,300000 (more pauses to measure at), --snapshots 10000,60000 (heap snapshots of
//   the supervisor at those counts, kept in a temp dir: compare them in Chrome DevTools' Memory
//   tab, "Comparison" view; writing one leaves RSS tens of MB higher, so RSS is not judged then).
// Exit code 1 when a run fails or calls are lost; a growing supervisor prints FAIL but exits 0,
// like the other benches' performance targets.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { sqlite } from '../dist/store/sqlite.js';
import { startFakeProvider } from '../dist/simulator/server.js';
import { int, round, table, verdict } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AGENT = path.join(ROOT, 'bench', 'agents', 'paced.mjs');
const PROBE = path.join(ROOT, 'bench', 'memory-probe.cjs');
const RESULTS = path.join(ROOT, 'bench', 'results', 'memory.json');
const MB = 1024 * 1024;
const TARGET = { rssMb: 10, heapMb: 2 };
/** How long the supervisor gets, once the agent has its answers, to take in the last reports. */
const SETTLE_MS = 500;

const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    bin: { type: 'string', default: path.join(ROOT, 'bin', 'wflo.js') },
    snapshots: { type: 'string', default: '' },
    stops: { type: 'string', default: '' },
    endpoint: { type: 'string', default: 'chat' },
  },
});
const CALLS = Number(opts.calls);
const snapshotAt = new Set(opts.snapshots.split(',').filter(Boolean).map(Number));
const extraStops = opts.stops.split(',').filter(Boolean).map(Number);
const stops = [...new Set([10_000, 25_000, 50_000, 75_000, CALLS, ...extraStops, ...snapshotAt])].filter((n) => n > 0 && n <= CALLS).sort((a, b) => a - b);

const loadBefore = os.loadavg()[0];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-memory-'));
const db = path.join(tmp, 'run.db');
const probeOut = path.join(tmp, 'probe.jsonl');
const stderrFile = path.join(tmp, 'wflo.stderr');
const provider = await startFakeProvider({ latencyMs: 0, chunkDelayMs: 0 });
const env = { ...process.env, CI: '1', OPENAI_BASE_URL: provider.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench', BENCH_MEMORY_PROBE: probeOut };
delete env.WFLO_SOCKET; // the bench's own wflo, if it runs under one, is not the one measured
fs.writeFileSync(probeOut, '');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A field of /proc/<pid>/status in bytes (VmRSS, RssAnon, RssFile), or null once the process is gone. */
function procKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Asks the probe in the wflo process to run a command; resolves with its answer. */
async function probe(pid, command) {
  const before = fs.readFileSync(probeOut, 'utf8').split('\n').filter(Boolean).length;
  fs.writeFileSync(`${probeOut}.cmd`, command);
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 120_000; waited += 20) {
    const lines = fs.readFileSync(probeOut, 'utf8').split('\n').filter(Boolean);
    if (lines.length > before) return JSON.parse(lines[before]);
    await sleep(20);
  }
  throw new Error(`the memory probe did not answer "${command}"`);
}

const wflo = spawn(process.execPath, ['--expose-gc', '--require', PROBE, opts.bin, 'run', AGENT, '--db', db, '--budget', '100', '--',
  String(CALLS), opts.concurrency, stops.join(','), opts.endpoint], { env, cwd: ROOT, stdio: ['pipe', 'pipe', fs.openSync(stderrFile, 'w')] });
const exited = new Promise((resolve) => wflo.once('exit', (code, signal) => resolve({ code, signal })));
const deadline = setTimeout(() => wflo.kill('SIGKILL'), 30 * 60_000); // a wedged run ends the bench, not the machine's patience
let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, procKb(wflo.pid, 'VmRSS') ?? 0); }, 100);

const samples = [];
let final = null;
let last = { at: 0, time: performance.now() };
for await (const line of createInterface({ input: wflo.stdout })) {
  let message;
  try { message = JSON.parse(line); } catch { continue; }
  if ('done' in message) { final = message; continue; }
  if (!('at' in message)) continue;
  const callsPerSec = message.at > last.at ? (1000 * (message.at - last.at)) / (performance.now() - last.time) : null;
  await sleep(SETTLE_MS);
  const rss = procKb(wflo.pid, 'VmRSS');
  const measured = await probe(wflo.pid, 'measure');
  const sample = { calls: message.at, rss, rssAfterGc: measured.rss, rssAnon: procKb(wflo.pid, 'RssAnon'), rssFile: procKb(wflo.pid, 'RssFile'), heapTotal: measured.heapTotal, heapUsed: measured.heapUsed, external: measured.external, callsPerSec };
  if (snapshotAt.has(message.at)) sample.snapshot = (await probe(wflo.pid, `snapshot ${path.join(tmp, `supervisor-${message.at}.heapsnapshot`)}`)).snapshot;
  samples.push(sample);
  process.stderr.write(`${int(message.at)} calls: RSS ${round(rss / MB, 1)} MB, after GC ${round(measured.rss / MB, 1)} MB, heap ${round(measured.heapUsed / MB, 1)} MB\n`);
  last = { at: message.at, time: performance.now() };
  wflo.stdin.write('go\n');
}
const exit = await exited;
clearTimeout(deadline);
clearInterval(sampler);
await provider.close();

const failures = [];
if (exit.code !== 0) failures.push(`wflo exited with ${exit.code ?? exit.signal}:\n${fs.readFileSync(stderrFile, 'utf8').trimEnd().split('\n').slice(-8).join('\n')}`);
if (!final || final.ok !== CALLS) {
  failures.push(`the agent made ${final?.ok ?? '?'} of ${CALLS} calls${final?.hung ? ` (${final.hung} never answered: wflo lost them)` : ''}${final?.errors?.length ? `: ${final.errors.join('; ')}` : ''}`);
}
const store = new (sqlite())(db, { readonly: true });
const recorded = store.prepare(`SELECT COUNT(*) AS n FROM llm_calls WHERE status = 'ok' AND estimated = 0`).get().n;
store.close();
if (recorded !== (final?.ok ?? CALLS)) failures.push(`${recorded} calls recorded exactly, ${final?.ok ?? '?'} answered`);

// ---- report
// Judged from 10k calls on (the start-up and the first calls' warm-up are behind it), on memory
// that is the process's own: the JS heap in use, and anonymous RSS (heap pages, malloc, SQLite's
// cache). Total RSS also counts the pages of node's binary and libraries read in as new code
// paths run, and V8's young generation after a collection depends on how long the process idled.
const from = samples.find((s) => s.calls === 10_000);
const to = samples.at(-1);
const delta = (key) => to[key] - from[key];
const growth = from && to && to !== from
  ? { calls: to.calls - from.calls, rssMb: round(delta('rssAfterGc') / MB, 1), anonMb: round(delta('rssAnon') / MB, 1), heapMb: round(delta('heapUsed') / MB, 2),
    anonBytesPerCall: round(delta('rssAnon') / (to.calls - from.calls), 1), heapBytesPerCall: round(delta('heapUsed') / (to.calls - from.calls), 1) }
  : null;
// A heap snapshot leaves the process's RSS tens of MB higher: only the heap is judged then.
const judgeRss = snapshotAt.size === 0;
const flat = growth !== null && growth.heapMb <= TARGET.heapMb && (!judgeRss || growth.anonMb <= TARGET.rssMb);
const mb = (bytes) => (bytes === null ? '?' : `${round(bytes / MB, 1)} MB`);
const signed = (x) => `${x >= 0 ? '+' : ''}${x}`;
const out = [`\nwflo supervisor memory  node ${process.version}, ${os.cpus().length} CPUs, load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after`];
out.push(`${int(CALLS)} non-streamed ${opts.endpoint === 'responses' ? 'Responses API' : 'chat'} calls from one process, ${opts.concurrency} in flight; measured at pauses with nothing in flight (${opts.bin})`);
out.push('RSS before and after two full GCs; of the latter, anonymous memory (JS heap, malloc, SQLite) and mapped files (node\'s binary, libraries); then V8\'s heap');
out.push(table([['calls', 'RSS', 'after GC', 'anon', 'file', 'heapTotal', 'heapUsed', 'external', 'calls/s before'],
  ...samples.map((s) => [int(s.calls), mb(s.rss), mb(s.rssAfterGc), mb(s.rssAnon), mb(s.rssFile), mb(s.heapTotal), mb(s.heapUsed), mb(s.external),
    s.callsPerSec === null ? '' : int(s.callsPerSec)])]));
out.push(`peak RSS ${mb(peakRss)}`);
if (growth) {
  out.push(`from 10,000 to ${int(to.calls)} calls: heapUsed ${signed(growth.heapMb)} MB (${growth.heapBytesPerCall} B/call), anon RSS ${signed(growth.anonMb)} MB `
    + `(${growth.anonBytesPerCall} B/call), RSS ${signed(growth.rssMb)} MB`);
  out.push(`flat (heapUsed ≤ +${TARGET.heapMb} MB${judgeRss ? `, anon RSS ≤ +${TARGET.rssMb} MB` : '; RSS not judged after a heap snapshot'}): ${verdict(flat)}`);
}
for (const s of samples) if (s.snapshot) out.push(`heap snapshot at ${int(s.calls)} calls: ${s.snapshot}`);
if (failures.length) out.push(`\nFAILURES:\n  ${failures.join('\n  ')}`);
console.log(out.join('\n'));

fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, calls: CALLS, concurrency: Number(opts.concurrency),
  bin: opts.bin, samples, peakRss, growth, flat, target: TARGET, failures }, null, 2)}\n`);
// Keep the run's files when something is wrong or snapshots were asked for.
if (failures.length || snapshotAt.size) console.log(`run files kept in ${tmp}`);
else fs.rmSync(tmp, { recursive: true, force: true });
process.exitCode = failures.length ? 1 : 0;
