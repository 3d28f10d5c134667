// `npm run bench`: what wflo costs an agent, measured against one loopback fake provider, with
// the wflo of BASELINE (before leasing) side by side in the same run.
//   1. per-call latency overhead: the same agent bare, under the baseline and under this wflo,
//      in rotated order; with the supervisor's CPU per call when calls come one at a time;
//   2. supervisor throughput: 4 supervised processes in a burst, then a check of the SQLite
//      store that no usage event was lost and every nano-dollar is accounted for.
// Exit code 1 only when a correctness check fails; missed performance targets are reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlite } from '../dist/store/sqlite.js';
import { startFakeProvider } from '../dist/simulator/server.js';
import { buildBaseline, int, median, percentile, round, runNode, table, verdict } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The wflo to compare with (`BENCH_BASELINE`): by default main before the call logs (calls started from a lease went by socket). */
const BASELINE = process.env.BENCH_BASELINE ?? '20e2443';
const LATENCY_AGENT = path.join(ROOT, 'bench', 'agents', 'latency.mjs');
const THROUGHPUT_AGENT = path.join(ROOT, 'bench', 'agents', 'throughput.mjs');
const RESULTS = path.join(ROOT, 'bench', 'results', 'latest.json');

// Many short latency rounds per mode: a round's figure depends on how the OS places the agent,
// wflo and the provider on the cores (on 2 cores, agent and wflo sharing one costs ~0.3 ms a call).
// An even count, so each mode goes first equally often.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** `BENCH_ONLY=latency` or `throughput`: one part of the bench alone. */
const ONLY = process.env.BENCH_ONLY ?? 'all';
const LATENCY = { calls: 150, streams: 100, warmup: 20 };
const BURST = { children: 4, callsPerChild: 2500, concurrency: 16 };
const TARGET = { addedMs: 0.2, addedPct: 15, ttfcMs: 0.2, throughputShare: 0.9, supervisorUs: 50 };
const MODES = ['bare', 'before', 'wflo'];
// gpt-4o-mini in pico-USD per token ($0.15 / $0.075 / $0.60 per million), as src/pricing/rates.ts costOf.
const PICO = { input: 150_000, cached: 75_000, output: 600_000 };

// Other work on the machine skews every figure: say how busy it was.
const loadBefore = os.loadavg()[0];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-bench-'));
const BINS = { before: path.join(buildBaseline(ROOT, BASELINE, tmp), 'bin', 'wflo.js'), wflo: path.join(ROOT, 'bin', 'wflo.js') };
const provider = await startFakeProvider({ latencyMs: 0, chunkDelayMs: 0 });
const env = { ...process.env, CI: '1', OPENAI_BASE_URL: provider.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench' };
delete env.WFLO_SOCKET; // bare must be bare, even if the bench itself runs under wflo
const failures = []; // correctness failures only
let runs = 0;

/** Runs an agent bare, under the baseline or under this wflo (fresh database each time); returns its JSON and the db path. */
async function runAgent(mode, agent, args) {
  const n = ++runs;
  const db = path.join(tmp, `run-${n}.db`);
  const argv = mode === 'bare' ? [agent, ...args] : [BINS[mode], 'run', agent, '--db', db, '--budget', '100', '--', ...args];
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

// ---- 1. latency: rotate the order each round, so drift and noise hit every mode alike.
const samples = Object.fromEntries(MODES.map((m) => [m, { plain: [], ttfc: [] }]));
const roundMedians = Object.fromEntries(MODES.map((m) => [m, []]));
/** The supervisor's CPU over the sequential calls of every round, per mode. */
const sequentialCpu = { before: { ms: 0, calls: 0 }, wflo: { ms: 0, calls: 0 } };
const perRun = 2 * LATENCY.warmup + LATENCY.calls + LATENCY.streams;
for (let r = 0; r < (ONLY === 'throughput' ? 0 : ROUNDS); r++) {
  for (const mode of MODES.map((_, i) => MODES[(i + r) % MODES.length])) {
    process.stderr.write(`latency round ${r + 1}/${ROUNDS}: ${mode}\n`);
    const { json, db } = await runAgent(mode, LATENCY_AGENT, [LATENCY.calls, LATENCY.streams, LATENCY.warmup].map(String));
    if (!json) continue;
    if (json.supervised !== (mode !== 'bare')) failures.push(`latency round ${r + 1}: ${mode} run ${json.supervised ? 'was' : 'was not'} supervised`);
    samples[mode].plain.push(...json.plain);
    samples[mode].ttfc.push(...json.ttfc);
    roundMedians[mode].push(round(median(json.plain)));
    if (mode === 'bare') continue;
    if (json.supervisorCpuMs !== null) { sequentialCpu[mode].ms += json.supervisorCpuMs; sequentialCpu[mode].calls += LATENCY.calls + LATENCY.streams; }
    if (readRun(db).exact !== perRun) failures.push(`latency run ${r + 1} (${mode}): not every call recorded exactly`);
  }
}
const latency = {};
for (const kind of ['plain', 'ttfc']) {
  const bare = samples.bare[kind];
  if (bare.length === 0) continue;
  latency[kind] = { bare: { samples: bare.length, medianMs: round(median(bare)), p95Ms: round(percentile(bare, 95)) } };
  for (const mode of ['before', 'wflo']) {
    const hooked = samples[mode][kind];
    if (hooked.length === 0) continue;
    const addedMs = median(hooked) - median(bare);
    const addedPct = (100 * addedMs) / median(bare);
    latency[kind][mode] = {
      samples: hooked.length, medianMs: round(median(hooked)), p95Ms: round(percentile(hooked, 95)),
      addedMedianMs: round(addedMs), addedMedianPct: round(addedPct, 1),
      pass: kind === 'plain' ? addedMs <= TARGET.addedMs && addedPct <= TARGET.addedPct : addedMs <= TARGET.ttfcMs,
    };
  }
}
const sequentialSupervisorUs = Object.fromEntries(['before', 'wflo'].map((m) => [m, sequentialCpu[m].calls ? round((1000 * sequentialCpu[m].ms) / sequentialCpu[m].calls, 0) : null]));
// The rounds above are short (the supervisor's code is still warming up): also one long sequential run per mode.
const STEADY_CALLS = 4000;
const steadySupervisorUs = {};
for (const mode of ONLY === 'throughput' ? [] : ['before', 'wflo']) {
  process.stderr.write(`steady sequential: ${mode}\n`);
  const { json } = await runAgent(mode, LATENCY_AGENT, [String(STEADY_CALLS), '0', String(LATENCY.warmup)]);
  steadySupervisorUs[mode] = json?.supervisorCpuMs === null || !json ? null : round((1000 * json.supervisorCpuMs) / STEADY_CALLS, 0);
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
const bursts = {};
let billedCheck = null;
for (const mode of ONLY === 'latency' ? [] : MODES) {
  process.stderr.write(`throughput: ${mode}\n`);
  const billedBefore = provider.billed.length;
  const cpuBefore = process.cpuUsage();
  const run = await runAgent(mode, THROUGHPUT_AGENT, burstArgs);
  const providerCpu = process.cpuUsage(cpuBefore);
  if (!run.json) continue;
  const b = burst(run.json);
  const sup = run.json.supervisor;
  bursts[mode] = {
    ...b,
    supervisorCpuUsPerCall: sup ? round((1000 * sup.cpuMs) / b.made, 0) : null,
    supervisorWriteKbPerCall: sup ? round(sup.writeBytes / 1024 / b.made, 1) : null,
    providerCpuUsPerCall: round((providerCpu.user + providerCpu.system) / b.made, 0),
  };
  if (mode === 'wflo') billedCheck = { run, billed: provider.billed.slice(billedBefore), made: b.made, failed: b.failed };
}
await provider.close();

const throughput = { bare: bursts.bare ?? null, before: bursts.before ?? null, wflo: bursts.wflo ?? null, check: null };
for (const mode of ['before', 'wflo']) {
  const t = throughput[mode];
  if (t && throughput.bare) { t.shareOfBare = round(t.callsPerSec / throughput.bare.callsPerSec, 2); t.pass = t.shareOfBare >= TARGET.throughputShare; }
}
if (billedCheck) {
  // No usage event lost: every call the agent made is a settled, exact row, billed by the provider.
  const { run, billed, made, failed } = billedCheck;
  const store = readRun(run.db);
  const expectedNano = billedNano(billed);
  const check = {
    made, failed, billed: billed.length, rows: store.rows, exactRows: store.exact,
    costNano: store.exactCost, expectedNano, spentNano: store.run?.spent_nano ?? null, runStatus: store.run?.status ?? null,
  };
  check.pass = failed === 0 && check.made === check.billed && check.rows === check.made && check.exactRows === check.made
    && check.costNano === expectedNano && check.spentNano === expectedNano && check.runStatus === 'completed'
    && billed.every((b) => b.model === 'gpt-4o-mini' && b.endpoint === 'chat.completions');
  if (!check.pass) failures.push('usage events lost or mis-costed in the throughput run');
  throughput.check = check;
}

// ---- report
const ms = (x) => `${x.toFixed(3)} ms`;
const load = `load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after`;
const out = [`\nwflo bench  node ${process.version}, ${os.cpus().length} CPUs, ${load}; loopback fake provider (no latency)`];
out.push(`\nPer-call latency, openai SDK, sequential; ${ROUNDS} rotated rounds per mode, ${LATENCY.calls} calls + ${LATENCY.streams} streams each; before = ${BASELINE}`);
const rows = [['', 'median', 'p95', 'added', 'added %', `target`]];
for (const [kind, label, target] of [['plain', 'call', `≤${TARGET.addedMs} ms & ≤${TARGET.addedPct}%`], ['ttfc', 'first chunk', `≤${TARGET.ttfcMs} ms`]]) {
  const l = latency[kind];
  if (!l) continue;
  rows.push([`${label}, bare`, ms(l.bare.medianMs), ms(l.bare.p95Ms), '', '', '']);
  for (const mode of ['before', 'wflo']) {
    const m = l[mode];
    if (m) rows.push([`${label}, ${mode}`, ms(m.medianMs), ms(m.p95Ms), `+${ms(m.addedMedianMs)}`, `+${m.addedMedianPct}%`, `${target} ${verdict(m.pass)}`]);
  }
}
out.push(table(rows));
out.push(`round medians of calls, ms: ${MODES.map((m) => `${m} ${roundMedians[m].join(' ')}`).join(' | ')}`);
out.push(`supervisor CPU per sequential call, over these rounds: before ${sequentialSupervisorUs.before ?? '?'} µs, wflo ${sequentialSupervisorUs.wflo ?? '?'} µs  target ≤${TARGET.supervisorUs} µs: ${verdict((sequentialSupervisorUs.wflo ?? Infinity) <= TARGET.supervisorUs)}`);
out.push(`supervisor CPU per sequential call, ${int(STEADY_CALLS)} calls in one run: before ${steadySupervisorUs.before ?? '?'} µs, wflo ${steadySupervisorUs.wflo ?? '?'} µs  target ≤${TARGET.supervisorUs} µs: ${verdict((steadySupervisorUs.wflo ?? Infinity) <= TARGET.supervisorUs)}`);

out.push(`\nThroughput: ${BURST.children} processes × ${int(BURST.callsPerChild)} non-streamed calls, ${BURST.concurrency} in flight each (fetch)`);
const t = throughput;
if (t.bare) out.push(`bare    ${int(t.bare.callsPerSec).padStart(6)} calls/s  (${t.bare.made} calls in ${t.bare.seconds} s; this machine's ceiling for client + provider); client CPU ${t.bare.clientCpuUsPerCall} µs/call`);
for (const mode of ['before', 'wflo']) {
  const m = t[mode];
  if (!m) continue;
  out.push(`${mode.padEnd(6)}  ${int(m.callsPerSec).padStart(6)} calls/s  (${m.made} calls in ${m.seconds} s) = ${m.shareOfBare ?? '?'}× bare  target ≥${TARGET.throughputShare}×: ${verdict(m.pass)}`);
  out.push(`        CPU per call: client ${m.clientCpuUsPerCall} µs, supervisor ${m.supervisorCpuUsPerCall ?? '?'} µs (target ≤${TARGET.supervisorUs}: ${verdict((m.supervisorCpuUsPerCall ?? Infinity) <= TARGET.supervisorUs)}), `
    + `fake provider ${m.providerCpuUsPerCall} µs; supervisor disk writes ≈${m.supervisorWriteKbPerCall ?? '?'} KB per call`);
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
  baseline: BASELINE, latency, roundMedians, sequentialSupervisorUs, steadySupervisorUs, throughput, failures,
}, null, 2)}\n`);
console.log(`\nfigures written to ${path.relative(process.cwd(), RESULTS)}`);
// Keep the databases and wflo's output when something is wrong, to look at.
if (failures.length) console.log(`run files kept in ${tmp}`);
else fs.rmSync(tmp, { recursive: true, force: true });
process.exitCode = failures.length ? 1 : 0;
