// Small helpers for bench/run.mjs: running a node process, statistics, formatting.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Runs `node <args>` and resolves with its exit code and the JSON line it printed last on stdout.
 * stderr goes to a file, not a pipe: wflo prints a line per call and the bench process also
 * hosts the fake provider, so it should not spend its time reading them.
 */
export function runNode(args, { env, stderrFile, timeoutMs = 120_000, cwd }) {
  return new Promise((resolve) => {
    const err = fs.openSync(stderrFile, 'w');
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', err] });
    fs.closeSync(err);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s) => { stdout += s; });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let json = null;
      try { json = JSON.parse(last); } catch { /* reported by the caller via ok=false */ }
      resolve({ code, signal, json, ok: code === 0 && json !== null, stderrTail: () => tail(stderrFile) });
    });
  });
}

function tail(file, lines = 8) {
  try { return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return ''; }
}

/** Nearest-rank percentile (p in 0..100) of an unsorted array. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values) => percentile(values, 50);
export const round = (x, digits = 3) => Number(x.toFixed(digits));
export const verdict = (pass) => (pass ? 'PASS' : 'FAIL');
export const int = (n) => Math.round(n).toLocaleString('en-US');

/** Left-aligned first column, right-aligned others. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')).join('\n');
}

/**
 * Builds the wflo of an earlier commit beside this one (sharing node_modules; nothing is
 * downloaded), for side-by-side figures in one run. Returns its directory.
 */
export function buildBaseline(root, commit, tmp) {
  const dir = path.join(tmp, `baseline-${commit}`);
  if (fs.existsSync(path.join(dir, 'dist', 'preload.cjs'))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git -C "${root}" archive ${commit} | tar -x -C "${dir}"`]);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir });
  const scripts = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts ?? {};
  // Since the hook became two bundles (dist/preload.cjs loads dist/install-hook.cjs): the commit's own build:hook.
  if (fs.existsSync(path.join(dir, 'src', 'hook', 'install.ts'))) execFileSync('npm', ['run', '--silent', 'build:hook'], { cwd: dir });
  else {
    execFileSync(path.join(root, 'node_modules', '.bin', 'esbuild'), ['src/hook/preload.ts', '--bundle', '--platform=node', '--format=cjs',
      '--target=node20', '--log-level=warning', '--outfile=dist/preload.cjs'], { cwd: dir });
  }
  // Since issue 11 the CLI runs from a bundle (dist/app).
  if (scripts['build:cli']) execFileSync('npm', ['run', '--silent', 'build:cli'], { cwd: dir });
  // Since 47bd61f output limits come from a snapshot taken at build time.
  if (scripts['build:limits']) execFileSync('npm', ['run', '--silent', 'build:limits'], { cwd: dir });
  if (fs.existsSync(path.join(dir, 'src', 'hook', 'token-bound.ts'))) {
    execFileSync(path.join(root, 'node_modules', '.bin', 'esbuild'), ['src/hook/token-bound.ts', '--bundle', '--platform=node', '--format=cjs',
      '--target=node20', '--log-level=warning', '--outfile=dist/token-bound.cjs'], { cwd: dir });
  }
  return dir;
}
