// Checkpoint bench (`npm run build && node bench/checkpoints/run.mjs`): wflo's checkpoint() under
// `wflo run` against LangGraph.js's SqliteSaver.put(), side by side: 1,000 sequential saves of a
// ~10 KB state with one top-level key changing per save, after 20 warm-up saves, on fresh db files.
// Reports saves/s (median of alternating rounds) and bytes on disk, raw and net of the empty db.
// Exit code 1 only when a correctness check fails; missed performance targets are reported.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { SAVES, WARMUP, stateAfter } from './state.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'wflo.js');
const HERE = path.join(ROOT, 'bench', 'checkpoints');
const RESULTS = path.join(ROOT, 'bench', 'results', 'checkpoints.json');
const ROUNDS = 5; // per side; the order alternates each round so drift and noise hit both alike
const TARGET = { speedup: 2, bytesRatio: 0.5 };
const TOTAL = WARMUP + SAVES; // checkpoints in each db
if (!fs.existsSync(path.join(ROOT, 'dist', 'sdk', 'index.js'))) throw new Error('run `npm run build` first');

// Other work on the machine skews every figure: say how busy it was.
const loadBefore = os.loadavg()[0];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-cp-bench-'));
const env = { ...process.env, CI: '1' }; // plain `wflo:` lines, no live view
const failures = []; // correctness failures only
let runs = 0;

const parse = (text) => { try { return JSON.parse(text); } catch { return null; } };

/** Runs `node <args>`; resolves with its exit code, its stdout, and its last stdout line as JSON. */
function node(args, stderrFile) {
  return new Promise((resolve) => {
    // wflo prints a line per checkpoint on stderr: into a file, kept if something fails.
    const child = execFile(process.execPath, args, { env, cwd: ROOT, maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout) => {
      resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, json: parse(stdout.trim().split('\n').pop()) });
    });
    child.stderr.pipe(fs.createWriteStream(stderrFile));
  });
}

/** Bytes the store takes once its writer has closed: the db file plus any -wal and -shm left. */
function dbBytes(file) {
  return ['', '-wal', '-shm'].reduce((n, ext) => n + (fs.existsSync(file + ext) ? fs.statSync(file + ext).size : 0), 0);
}

function fail(message, stderrFile) {
  const tail = stderrFile && fs.existsSync(stderrFile) ? fs.readFileSync(stderrFile, 'utf8').trimEnd().split('\n').slice(-5).join('\n  ') : '';
  failures.push(message);
  console.error(`FAIL: ${message}${tail ? `\n  ${tail}` : ''}`);
}

/** One side's run on a fresh db file; returns the agent's JSON plus the bytes on disk. */
async function run(side, saves, warmup) {
  const n = ++runs;
  const db = path.join(tmp, `${side}-${n}.db`);
  const stderr = path.join(tmp, `${side}-${n}.stderr`);
  const args = side === 'wflo'
    ? [BIN, 'run', path.join(HERE, 'wflo-agent.mjs'), '--db', db, '--', String(saves), String(warmup)]
    : [path.join(HERE, 'baseline-agent.mjs'), db, String(saves), String(warmup)];
  const { code, json } = await node(args, stderr);
  if (code !== 0 || !json) { fail(`${side} run ${n} ended with exit ${code} and ${json ? 'a' : 'no'} result`, stderr); return null; }
  if (!json.headMatches) fail(`${side} run ${n}: the head read back is not the state saved last`);
  if (side === 'wflo' && saves + warmup > 0) await verifyWflo(db, json, saves + warmup, n);
  return { ...json, bytes: dbBytes(db) };
}

/** What the CLI reads back from wflo's store: every checkpoint, and the exact final state. */
async function verifyWflo(db, json, count, n) {
  const stderr = path.join(tmp, `verify-${n}.stderr`);
  const list = await node([BIN, 'checkpoints', json.runId, '--db', db, '--json'], stderr);
  const listed = parse(list.stdout);
  const rows = Array.isArray(listed) ? listed : [];
  const last = rows.at(-1);
  if (list.code !== 0 || rows.length !== count || !rows.every((c, i) => c.seq === i + 1) || last?.id !== json.lastId || last?.status !== 'head') {
    fail(`wflo run ${n}: \`wflo checkpoints\` lists ${rows.length} checkpoints (want ${count}, seq 1..${count}, last ${json.lastId} as head)`, stderr);
  }
  const show = await node([BIN, 'checkpoints', 'show', json.lastId, '--db', db], stderr);
  if (show.code !== 0 || !isDeepStrictEqual(parse(show.stdout), stateAfter(count))) fail(`wflo run ${n}: \`wflo checkpoints show ${json.lastId}\` is not the final state`, stderr);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const int = (x) => (x === null || Number.isNaN(x) ? '?' : Math.round(x).toLocaleString('en-US'));
const verdict = (pass) => (pass ? 'PASS' : 'FAIL');

// ---- the fixed size of each store with no checkpoint in it (wflo: its runs row and empty tables)
process.stderr.write('empty stores\n');
const empty = { wflo: (await run('wflo', 0, 0))?.bytes ?? NaN, baseline: (await run('baseline', 0, 0))?.bytes ?? NaN };

// ---- alternating rounds
const rounds = { wflo: [], baseline: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const side of r % 2 === 0 ? ['wflo', 'baseline'] : ['baseline', 'wflo']) {
    process.stderr.write(`round ${r + 1}/${ROUNDS}: ${side}\n`);
    const result = await run(side, SAVES, WARMUP);
    if (result) rounds[side].push(result);
  }
}

// ---- figures: median of the rounds; bytes are deterministic up to a page or two
const sides = {};
for (const side of ['wflo', 'baseline']) {
  const rs = rounds[side];
  if (rs.length === 0) continue;
  const bytes = median(rs.map((x) => x.bytes));
  sides[side] = {
    savesPerSec: Math.round(median(rs.map((x) => x.savesPerSec))),
    roundSavesPerSec: rs.map((x) => Math.round(x.savesPerSec)),
    usPerSave: Math.round((1000 * median(rs.map((x) => x.ms))) / SAVES),
    cpuUsPerSave: Math.round((1000 * median(rs.map((x) => x.cpuMs))) / SAVES),
    supervisorCpuUsPerSave: side === 'wflo' && rs.every((x) => x.supervisorCpuMs !== null) ? Math.round((1000 * median(rs.map((x) => x.supervisorCpuMs))) / SAVES) : null,
    bytes, emptyBytes: empty[side], netBytes: bytes - empty[side], netBytesPerCheckpoint: Math.round((bytes - empty[side]) / TOTAL),
  };
}
const w = sides.wflo;
const b = sides.baseline;
const ratios = w && b ? { speedup: w.savesPerSec / b.savesPerSec, rawBytes: w.bytes / b.bytes, netBytes: w.netBytes / b.netBytes } : null;
const pass = ratios ? { speed: ratios.speedup >= TARGET.speedup, rawBytes: ratios.rawBytes <= TARGET.bytesRatio, netBytes: ratios.netBytes <= TARGET.bytesRatio } : null;

// ---- report
const out = [`\nwflo checkpoint bench  node ${process.version}, ${os.cpus().length} CPUs, load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after`];
out.push(`${SAVES} sequential saves of a ~10 KB state (20 keys, one changes per save) after ${WARMUP} warm-up; ${ROUNDS} alternating rounds per side; ${TOTAL} checkpoints per db`);
const rows = [['', 'saves/s', 'µs/save', 'CPU µs/save (script + wflo)', 'bytes on disk', 'empty db', 'net bytes', 'net B/checkpoint']];
const cpu = (s) => `${s.cpuUsPerSave}${typeof s.supervisorCpuUsPerSave === 'number' ? ` + ${s.supervisorCpuUsPerSave}` : ''}`;
for (const [label, s] of [['wflo checkpoint()', w], ['SqliteSaver.put()', b]]) {
  if (s) rows.push([label, int(s.savesPerSec), int(s.usPerSave), cpu(s), int(s.bytes), int(s.emptyBytes), int(s.netBytes), int(s.netBytesPerCheckpoint)]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
out.push(rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')).join('\n'));
out.push(`round saves/s: wflo ${w?.roundSavesPerSec.join(' ') ?? '-'} | SqliteSaver ${b?.roundSavesPerSec.join(' ') ?? '-'}`);
if (ratios) {
  out.push(`speed: wflo ${ratios.speedup.toFixed(2)}× SqliteSaver's saves/s          target ≥ ${TARGET.speedup}×: ${verdict(pass.speed)}`);
  out.push(`bytes: wflo ${ratios.rawBytes.toFixed(3)}× raw, ${ratios.netBytes.toFixed(3)}× net of empty db   target ≤ ${TARGET.bytesRatio}×: raw ${verdict(pass.rawBytes)}, net ${verdict(pass.netBytes)}`);
}
out.push(`correctness (${ROUNDS} wflo runs: ${TOTAL} checkpoints listed, final state read back exact; SqliteSaver head read back): ${verdict(failures.length === 0)}`);
if (failures.length) out.push(`CORRECTNESS FAILURES:\n  ${failures.join('\n  ')}`);
console.log(out.join('\n'));

fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({
  at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: { before: loadBefore, after: os.loadavg()[0] },
  config: { SAVES, WARMUP, ROUNDS, TARGET }, wflo: w ?? null, baseline: b ?? null, ratios, pass, failures,
}, null, 2)}\n`);
console.log(`figures written to ${path.relative(process.cwd(), RESULTS)}`);
// Keep the databases and wflo's output when something is wrong, to look at.
if (failures.length) console.log(`run files kept in ${tmp}`);
else fs.rmSync(tmp, { recursive: true, force: true });
process.exitCode = failures.length ? 1 : 0;
