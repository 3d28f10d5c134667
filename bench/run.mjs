// `npm run bench`: what wflo costs an agent, measured against one loopback fake provider.
//   1. per-call latency overhead: the same agent bare and under `wflo run`, alternated;
//   2. supervisor throughput: 4 supervised processes in a burst, then a check of the SQLite
//      store that no usage event was lost and every nano-dollar is accounted for.
// Exit code 1 only when a correctness check fails; missed performance targets are reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlite } from '../dist/store/sqlite.js';
import { startFakeProvider } from '../dist/simulator/server.js';
import { int, median, percentile, round, runNode, table, verdict } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'wflo.js');
const LATENCY_AGENT = path.join(ROOT, 'bench', 'agents', 'latency.mjs');
const THROUGHPUT_AGENT = path.join(ROOT, 'bench', 'agents', 'throughput.mjs');
const RESULTS = path.join(ROOT, 'bench', 'results', 'latest.json');

// Many short latency rounds per mode: a round's figure depends on how the OS places the agent,
// wflo and the provider on the cores (on 2 cores, agent and wflo sharing one costs ~0.3 ms a call).
// An even count, so each mode goes first equally often.
const ROUNDS = 10;
const LATENCY = { calls: 150, streams: 100, warmup: 20 };
const BURST = { children: 4, callsPerChild: 2500, concurrency: 16 };
const TARGET = { addedMs: 0.5, addedPct: 25, callsPerSec: 2000 };
// gpt-4o-mini in pico-USD per token ($0.15 / $0.075 / $0.60 per million), as src/pricing/rates.ts costOf.
const PICO = { input: 150_000, cached: 75_000, output: 600_000 };

// Other work on the machine skews every figure: say how busy it was.
const loadBefore = os.loadavg()[0];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-bench-'));
const provider = await startFakeProvider({ latencyMs: 0, chunkDelayMs: 0 });
const env = { ...process.env, CI: '1', OPENAI_BASE_URL: provider.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench' };
delete env.WFLO_SOCKET; // bare must be bare, even if the bench itself runs under wflo
const failures = []; // correctness failures only
let runs = 0;

/** Runs an agent bare or under wflo (fresh database each time); returns its JSON and the db path. */
async function runAgent(mode, agent, args) {
  const n = ++runs;
  const db = path.join(tmp, `run-${n}.db`);
  const argv = mode === 'bare' ? [agent, ...args] : [BIN, 'run', agent, '--db', db, '--budget', '100', '--', ...args];
  const result = await runNode(argv, { env, stderrFile: path.join(tmp, `run-${n}.stderr`) });
  if (!result.ok) {
    console.error(`${mode} run of ${path.basename(agent)} failed (exit ${result.code ?? result.signal}):\n${result.stderrTail()}`);
    failures.push(`${mode} ${path.basename(agent)} run failed`);
  }
  return { json: result.json, db };
}

/** Rows of the one run in a wflo database. */
function readRun(db) {
  const sql = new (sqlite())(db, { readonly: true });
  try {
    const run = sql.prepare('SELECT id, status, exit_code, spent_nano FROM runs').all();
    const calls = sql.prepare(`SELECT COUNT(*) AS rows, SUM(status = 'ok' AND estimated = 0) AS exact,
      COALESCE(SUM(CASE WHEN status = 'ok' AND estimated = 0 THEN cost_nano END), 0) AS exactCost FROM llm_calls`).get();
    return { run: run.length === 1 ? run[0] : null, ...calls };
  } finally {
    sql.close();
  }
}

/** What the provider billed for these calls, in nano-USD, rounded up per call as wflo does. */
function billedNano(billed) {
  let nano = 0;
  for (const { usage: u } of billed) {
    const uncached = u.inputTokens - u.cachedTokens - u.cacheWriteTokens;
    nano += Math.ceil((uncached * PICO.input + u.cachedTokens * PICO.cached + u.outputTokens * PICO.output) / 1000);
  }
  return nano;
}

// ---- 1. latency: alternate the order each round, so drift and noise hit both modes alike.
const samples = { bare: { plain: [], ttfc: [] }, wflo: { plain: [], ttfc: [] } };
const roundMedians = { bare: [], wflo: [] };
const perRun = 2 * LATENCY.warmup + LATENCY.calls + LATENCY.streams;
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of r % 2 === 0 ? ['bare', 'wflo'] : ['wflo', 'bare']) {
    process.stderr.write(`latency round ${r + 1}/${ROUNDS}: ${mode}\n`);
    const { json, db } = await runAgent(mode, LATENCY_AGENT, [LATENCY.calls, LATENCY.streams, LATENCY.warmup].map(String));
    if (!json) continue;
    if (json.supervised !== (mode === 'wflo')) failures.push(`latency round ${r + 1}: ${mode} run ${json.supervised ? 'was' : 'was not'} supervised`);
    samples[mode].plain.push(...json.plain);
    samples[mode].ttfc.push(...json.ttfc);
    roundMedians[mode].push(round(median(json.plain)));
    if (mode === 'wflo' && readRun(db).exact !== perRun) failures.push(`latency run ${r + 1}: not every call recorded exactly`);
  }
}
const latency = {};
for (const kind of ['plain', 'ttfc']) {
  const bare = samples.bare[kind];
  const wflo = samples.wflo[kind];
  if (bare.length === 0 || wflo.length === 0) continue;
  const addedMs = median(wflo) - median(bare);
  const addedPct = (100 * addedMs) / median(bare);
  latency[kind] = {
    samples: { bare: bare.length, wflo: wflo.length },
    bare: { medianMs: round(median(bare)), p95Ms: round(percentile(bare, 95)) },
    wflo: { medianMs: round(median(wflo)), p95Ms: round(percentile(wflo, 95)) },
    addedMedianMs: round(addedMs),
    addedMedianPct: round(addedPct, 1),
    pass: addedMs <= TARGET.addedMs && addedPct <= TARGET.addedPct,
  };
}

// ---- 2. throughput: a bare burst first (what this machine can do at all), then the supervised one.
const burstArgs = [BURST.children, BURST.callsPerChild, BURST.concurrency].map(String);
function burst(json) {
  const made = json.children.reduce((n, c) => n + c.ok, 0);
  const failed = json.children.reduce((n, c) => n + c.failed, 0);
  const ms = Math.max(...json.children.map((c) => c.last)) - Math.min(...json.children.map((c) => c.first));
  const clientCpuMs = json.children.reduce((n, c) => n + c.cpuMs, 0);
  for (const c of json.children) if (c.errors?.length) console.error(`child ${c.pid} errors:\n  ${c.errors.join('\n  ')}`);
  return { made, failed, seconds: round(ms / 1000), callsPerSec: round((1000 * made) / ms, 0), clientCpuUsPerCall: round((1000 * clientCpuMs) / made, 0) };
}
process.stderr.write('throughput: bare\n');
const bareRun = await runAgent('bare', THROUGHPUT_AGENT, burstArgs);
process.stderr.write('throughput: wflo\n');
const billedBefore = provider.billed.length;
const cpuBefore = process.cpuUsage();
const wfloRun = await runAgent('wflo', THROUGHPUT_AGENT, burstArgs);
const providerCpu = process.cpuUsage(cpuBefore);
const billed = provider.billed.slice(billedBefore);
await provider.close();

const throughput = { bare: bareRun.json ? burst(bareRun.json) : null, wflo: null, check: null };
if (wfloRun.json) {
  const w = burst(wfloRun.json);
  const sup = wfloRun.json.supervisor;
  throughput.wflo = {
    ...w,
    pass: w.callsPerSec >= TARGET.callsPerSec,
    supervisorCpuUsPerCall: sup ? round((1000 * sup.cpuMs) / w.made, 0) : null,
    supervisorWriteKbPerCall: sup ? round(sup.writeBytes / 1024 / w.made, 1) : null,
    providerCpuUsPerCall: round((providerCpu.user + providerCpu.system) / w.made, 0),
  };
  // No usage event lost: every call the agent made is a settled, exact row, billed by the provider.
  const store = readRun(wfloRun.db);
  const expectedNano = billedNano(billed);
  const check = {
    made: w.made, failed: w.failed, billed: billed.length, rows: store.rows, exactRows: store.exact,
    costNano: store.exactCost, expectedNano, spentNano: store.run?.spent_nano ?? null, runStatus: store.run?.status ?? null,
  };
  check.pass = w.failed === 0 && check.made === check.billed && check.rows === check.made && check.exactRows === check.made
    && check.costNano === expectedNano && check.spentNano === expectedNano && check.runStatus === 'completed'
    && billed.every((b) => b.model === 'gpt-4o-mini' && b.endpoint === 'chat.completions');
  if (!check.pass) failures.push('usage events lost or mis-costed in the throughput run');
  throughput.check = check;
}

// ---- report
const ms = (x) => `${x.toFixed(3)} ms`;
const load = `load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after`;
const out = [`\nwflo bench  node ${process.version}, ${os.cpus().length} CPUs, ${load}; loopback fake provider (no latency)`];
out.push(`\nPer-call latency, openai SDK, sequential; ${ROUNDS} alternating rounds per mode, ${LATENCY.calls} calls + ${LATENCY.streams} streams each`);
const rows = [['', 'bare median', 'bare p95', 'wflo median', 'wflo p95', 'added', 'added %', `target ≤${TARGET.addedMs} ms & ≤${TARGET.addedPct}%`]];
for (const [kind, label] of [['plain', 'call (non-streamed)'], ['ttfc', 'time to first chunk']]) {
  const l = latency[kind];
  if (l) rows.push([label, ms(l.bare.medianMs), ms(l.bare.p95Ms), ms(l.wflo.medianMs), ms(l.wflo.p95Ms), `+${ms(l.addedMedianMs)}`, `+${l.addedMedianPct}%`, verdict(l.pass)]);
}
out.push(table(rows));
out.push(`round medians of calls, ms: bare ${roundMedians.bare.join(' ')} | wflo ${roundMedians.wflo.join(' ')}`);

out.push(`\nThroughput: ${BURST.children} processes × ${int(BURST.callsPerChild)} non-streamed calls, ${BURST.concurrency} in flight each (fetch)`);
const t = throughput;
if (t.bare) out.push(`bare  ${int(t.bare.callsPerSec).padStart(6)} calls/s  (${t.bare.made} calls in ${t.bare.seconds} s; this machine's ceiling for client + provider)`);
if (t.wflo) {
  out.push(`wflo  ${int(t.wflo.callsPerSec).padStart(6)} calls/s  (${t.wflo.made} calls in ${t.wflo.seconds} s)  target ≥${int(TARGET.callsPerSec)}: ${verdict(t.wflo.pass)}`);
  const sup = t.wflo.supervisorCpuUsPerCall;
  out.push(`CPU per call: client ${t.bare?.clientCpuUsPerCall ?? '?'} µs bare / ${t.wflo.clientCpuUsPerCall} µs hooked; `
    + `supervisor ${sup ?? '?'} µs${sup ? ` (≈${int(1e6 / sup)} calls/s on a core of its own)` : ''}; fake provider ${t.wflo.providerCpuUsPerCall} µs`);
  out.push(`supervisor disk writes: ≈${t.wflo.supervisorWriteKbPerCall ?? '?'} KB per call`);
}
if (t.check) {
  const c = t.check;
  out.push(`usage events: made ${c.made}, billed ${c.billed}, recorded exact ${c.exactRows} of ${c.rows} rows; `
    + `cost ${c.costNano} nano recorded / ${c.expectedNano} billed, run spent ${c.spentNano}  no event lost: ${verdict(c.pass)}`);
}
if (failures.length) out.push(`\nCORRECTNESS FAILURES:\n  ${failures.join('\n  ')}`);
console.log(out.join('\n'));

fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({
  at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: { before: loadBefore, after: os.loadavg()[0] }, config: { ROUNDS, LATENCY, BURST, TARGET },
  latency, roundMedians, throughput, failures,
}, null, 2)}\n`);
console.log(`\nfigures written to ${path.relative(process.cwd(), RESULTS)}`);
// Keep the databases and wflo's output when something is wrong, to look at.
if (failures.length) console.log(`run files kept in ${tmp}`);
else fs.rmSync(tmp, { recursive: true, force: true });
process.exitCode = failures.length ? 1 : 0;
