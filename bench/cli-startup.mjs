// `npm run bench` (CLI start-up part): how long wflo's own commands take, end to end, against
// plain node, side by side with the wflo of an earlier commit built from git in the same run.
// `wflo run` of an empty script is compared with the same script run by node alone (.mjs) and by
// node --import tsx (.ts). Medians of rotated rounds; each sample is one process start to exit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBaseline, median, round, table, verdict } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** main before the start-up work of issue 11: every command's modules loaded up front, no bundle. */
const BASELINE = process.env.BENCH_BASELINE ?? '1a2ba05';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const TSX = import.meta.resolve('tsx');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-bench-cli-'));
fs.writeFileSync(path.join(tmp, 'empty.mjs'), '');
fs.writeFileSync(path.join(tmp, 'empty.ts'), 'const nothing: number = 0;\nexport default nothing;\n');
const bins = { before: path.join(buildBaseline(ROOT, BASELINE, tmp), 'bin', 'wflo.js'), now: path.join(ROOT, 'bin', 'wflo.js') };
const env = { ...process.env, NODE_OPTIONS: '', CI: '1' };
// `wflo status` reads a store with some history: 20 runs.
// Each wflo writes its own: an older wflo refuses a store of a newer schema.
const stores = Object.fromEntries(Object.entries(bins).map(([which, bin]) => {
  const db = path.join(tmp, `store-${which}.db`);
  for (let i = 0; i < 20; i++) spawnSync(process.execPath, [bin, 'run', '--db', db, 'empty.mjs'], { cwd: tmp, env, stdio: 'ignore' });
  return [which, db];
}));

/** Wall time of one process, start to exit, in ms; it must succeed. `[file, ...args]`: node when `file` is a flag or a script for node. */
function sample([file, ...args]) {
  const started = process.hrtime.bigint();
  const run = spawnSync(file, args, { cwd: tmp, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
  return ms;
}

const node = (...args) => [process.execPath, ...args];
/**
 * What is timed: plain node, and each wflo command with either wflo, started as people start it:
 * by its bin (`wflo …`, npm links it into node_modules/.bin; its first line says how it starts).
 * `wflo run` is timed as `node bin/wflo.js` too: that way node reads NODE_EXTRA_CA_CERTS
 * before wflo can say it needs none (see bin/wflo.js).
 */
const cases = {
  'node -e 0': node('-e', '0'),
  'node empty.mjs': node('empty.mjs'),
  'node --import tsx empty.ts': node('--import', TSX, 'empty.ts'),
};
for (const [which, bin] of Object.entries(bins)) {
  cases[`${which}: wflo --version`] = [bin, '--version'];
  cases[`${which}: wflo status`] = [bin, 'status', '--db', stores[which]];
  cases[`${which}: wflo run empty.mjs`] = [bin, 'run', '--db', path.join(tmp, `${which}.db`), 'empty.mjs'];
  cases[`${which}: wflo run empty.ts`] = [bin, 'run', '--db', path.join(tmp, `${which}.db`), 'empty.ts'];
  cases[`${which}: node bin/wflo.js run empty.mjs`] = node(bin, 'run', '--db', path.join(tmp, `${which}.db`), 'empty.mjs');
}
const names = Object.keys(cases);
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const name of names.map((_, i) => names[(i + r) % names.length])) samples[name].push(sample(cases[name]));
}
const ms = Object.fromEntries(names.map((name) => [name, median(samples[name])]));

const rows = [['command', 'before ms', 'now ms', 'target', 'now']];
const targets = [
  ['wflo --version', (w) => ms[`${w}: wflo --version`], 150, '≤ 150 ms'],
  ['wflo status (20 runs)', (w) => ms[`${w}: wflo status`], 150, '≤ 150 ms'],
  ['wflo run empty.mjs − node empty.mjs', (w) => ms[`${w}: wflo run empty.mjs`] - ms['node empty.mjs'], 100, '≤ 100 ms'],
  ['wflo run empty.ts − node --import tsx', (w) => ms[`${w}: wflo run empty.ts`] - ms['node --import tsx empty.ts'], 100, '≤ 100 ms'],
  ['node bin/wflo.js run empty.mjs − node empty.mjs', (w) => ms[`${w}: node bin/wflo.js run empty.mjs`] - ms['node empty.mjs'], 100, '≤ 100 ms'],
];
const figures = { baseline: BASELINE, rounds: ROUNDS, medianMs: ms, targets: {} };
for (const [label, of, limit, target] of targets) {
  const now = of('now');
  figures.targets[label] = { before: round(of('before'), 1), now: round(now, 1), limit, pass: now <= limit };
  rows.push([label, round(of('before'), 1), round(now, 1), target, verdict(now <= limit)]);
}
console.log(`\nwflo CLI start-up bench — ${new Date().toISOString()}, load ${os.loadavg()[0].toFixed(2)}, ${ROUNDS} rotated rounds, before = ${BASELINE}`);
console.log(`plain node: -e 0 ${round(ms['node -e 0'], 1)} ms, empty.mjs ${round(ms['node empty.mjs'], 1)} ms, --import tsx empty.ts ${round(ms['node --import tsx empty.ts'], 1)} ms`
  + `; NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS === undefined ? 'not set' : 'set'}`);
console.log(table(rows));
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'cli-startup.json'), `${JSON.stringify(figures, null, 2)}\n`);
fs.rmSync(tmp, { recursive: true, force: true });
