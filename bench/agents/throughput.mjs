// Throughput bench agent: a parent that spawns child processes, each firing a burst of calls
// with a fixed number in flight. Children inherit NODE_OPTIONS, so under `wflo run` they are
// all supervised by the one wflo process. The parent prints one JSON line on stdout.
// Usage: node throughput.mjs [children=4] [callsPerChild=2500] [concurrency=16]
//        node throughput.mjs child <calls> <concurrency>   (internal)
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

// Wall-clock ms with sub-ms precision, comparable across processes.
const now = () => performance.timeOrigin + performance.now();

async function child(calls, concurrency) {
  const openai = new OpenAI({ maxRetries: 0 });
  const request = {
    model: 'gpt-4o-mini',
    max_tokens: 50,
    messages: [{ role: 'user', content: 'Give three reasons to write unit tests.' }],
  };
  const url = `${process.env.OPENAI_BASE_URL}/chat/completions`;
  const init = { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY}` }, body: JSON.stringify(request) };
  // Start together: the parent says "go" once every child has loaded the SDK, so the burst
  // measures calls, not process start-up.
  process.stdout.write('ready\n');
  await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));

  let issued = 0;
  let ok = 0;
  const errors = [];
  const first = now();
  const lane = async () => {
    while (issued < calls) {
      issued++;
      try {
        if (process.env.TP_FETCH) { const r = await fetch(url, init); await r.json(); } else await openai.chat.completions.create(request);
        ok++;
      } catch (err) {
        if (errors.length < 5) errors.push(String(err?.message ?? err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const last = now();
  process.stdout.write(`${JSON.stringify({ pid: process.pid, first, last, ok, failed: issued - ok, errors })}\n`);
  process.stdin.destroy(); // let the process end on its own, so the hook's last reports go out
}

async function parent(children, callsPerChild, concurrency) {
  const self = fileURLToPath(import.meta.url);
  const procs = Array.from({ length: children }, () =>
    spawn('node', [self, 'child', String(callsPerChild), String(concurrency)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = procs.map((p) => createInterface({ input: p.stdout })[Symbol.asyncIterator]());
  for (const it of lines) await it.next(); // "ready"
  for (const p of procs) p.stdin.write('go\n');
  const results = [];
  for (const it of lines) results.push(JSON.parse((await it.next()).value));
  const codes = await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', r)))));
  process.stdout.write(`${JSON.stringify({ supervised: Boolean(process.env.WFLO_SOCKET), children: results, exitCodes: codes })}\n`);
}

const args = process.argv.slice(2);
if (args[0] === 'child') await child(Number(args[1]), Number(args[2]));
else await parent(Number(args[0] ?? 4), Number(args[1] ?? 2500), Number(args[2] ?? 16));
