// Throughput bench agent: a parent that spawns child processes, each firing a burst of
// non-streamed chat calls with a fixed number in flight. Children inherit NODE_OPTIONS, so under
// `wflo run` they are all supervised by the one wflo process. The parent prints one JSON line.
// Usage: node throughput.mjs [children=4] [callsPerChild=2500] [concurrency=16]
//        node throughput.mjs child <calls> <concurrency>   (internal)
//
// Children call fetch directly (the very function wflo's hook wraps) rather than the openai SDK:
// the SDK costs ~1 ms of CPU per call, which on a small machine would make this a bench of the SDK.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Wall-clock ms with sub-ms precision, comparable across processes.
const now = () => performance.timeOrigin + performance.now();

async function child(calls, concurrency) {
  const url = `${process.env.OPENAI_BASE_URL}/chat/completions`;
  // Each call asks something new, as an agent does: the same request again and again is a loop to wflo.
  let asked = 0;
  const init = () => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY}` },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      messages: [{ role: 'user', content: `Give three reasons to write unit tests. (${process.pid}.${++asked})` }],
    }),
  });
  // Start together: the parent says "go" once every child is up, so the burst measures calls,
  // not process start-up.
  process.stdout.write('ready\n');
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));

  let issued = 0;
  let ok = 0;
  const errors = [];
  const cpu = process.cpuUsage();
  const first = now();
  const lane = async () => {
    while (issued < calls) {
      issued++;
      try {
        const res = await fetch(url, init());
        const body = await res.json();
        if (res.ok && body.usage) ok++;
        else if (errors.length < 5) errors.push(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      } catch (err) {
        if (errors.length < 5) errors.push(String(err?.message ?? err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const last = now();
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  process.stdout.write(`${JSON.stringify({ pid: process.pid, first, last, ok, failed: issued - ok, cpuMs, errors })}\n`);
  process.stdin.destroy(); // end on our own (no process.exit): the hook's last reports must go out
}

// CPU ms and bytes written to storage so far by a process (Linux /proc; null elsewhere).
function procUsage(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in 1/100 s
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    return { cpuMs: ticks * 10, writeBytes: Number(/write_bytes: (\d+)/.exec(io)?.[1] ?? NaN) };
  } catch {
    return null;
  }
}

async function parent(children, callsPerChild, concurrency) {
  const self = fileURLToPath(import.meta.url);
  const procs = Array.from({ length: children }, () =>
    spawn('node', [self, 'child', String(callsPerChild), String(concurrency)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = procs.map((p) => createInterface({ input: p.stdout })[Symbol.asyncIterator]());
  for (const it of lines) await it.next(); // "ready"
  // Under wflo our parent is the supervisor: what it spends during the burst is its cost per call.
  const supervised = Boolean(process.env.WFLO_SOCKET);
  const before = supervised ? procUsage(process.ppid) : null;
  for (const p of procs) p.stdin.write('go\n');
  const results = [];
  for (const it of lines) {
    const { value } = await it.next();
    results.push(value ? JSON.parse(value) : { ok: 0, failed: callsPerChild, errors: ['child ended without a report'] });
  }
  const after = supervised ? procUsage(process.ppid) : null;
  const supervisor = before && after
    ? { cpuMs: after.cpuMs - before.cpuMs, writeBytes: after.writeBytes - before.writeBytes }
    : null;
  const exitCodes = await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', r)))));
  process.stdout.write(`${JSON.stringify({ supervised, children: results, supervisor, exitCodes })}\n`);
}

const args = process.argv.slice(2);
if (args[0] === 'child') await child(Number(args[1]), Number(args[2]));
else await parent(Number(args[0] ?? 4), Number(args[1] ?? 2500), Number(args[2] ?? 16));
