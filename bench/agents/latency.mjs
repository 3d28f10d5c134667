// Latency bench agent: sequential calls with the real openai SDK, timed from inside the script,
// so the figure is what an agent sees (SDK + wflo hook + HTTP), not wflo's process start-up.
// Run bare or under `wflo run`; prints one JSON line on stdout.
// Usage: node latency.mjs [calls=300] [streams=200] [warmup=30]
import fs from 'node:fs';
import OpenAI from 'openai';

const [calls = 300, streams = 200, warmup = 30] = process.argv.slice(2).map(Number);
// maxRetries 0: a failed call must show up as a failure, not as a slow call.
const openai = new OpenAI({ maxRetries: 0 });
const request = {
  model: 'gpt-4o-mini',
  max_tokens: 50,
  messages: [{ role: 'user', content: 'Give three reasons to write unit tests.' }],
};

// Each call asks something new, as an agent does: the same request again and again is a loop to wflo.
let asked = 0;
const next = () => ({ ...request, messages: [{ role: 'user', content: `${request.messages[0].content} (${++asked})` }] });

async function plainCall() {
  const start = performance.now();
  await openai.chat.completions.create(next());
  return performance.now() - start;
}

// Time to first chunk; the stream is still read to the end, as an agent would (and so the
// call is settled normally under wflo instead of being cancelled).
async function streamedCall() {
  const start = performance.now();
  let first = -1;
  const stream = await openai.chat.completions.create({ ...next(), stream: true });
  for await (const _chunk of stream) {
    if (first < 0) first = performance.now() - start;
  }
  return first;
}

/** CPU ms a process has used so far (Linux /proc: utime + stime in 1/100 s); null elsewhere. */
function cpuMsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function measure() {
  // Warm-up: JIT, the SDK's lazy paths, the keep-alive socket and (under wflo) the supervisor socket.
  for (let i = 0; i < warmup; i++) { await plainCall(); await streamedCall(); }
  // Under wflo our parent is the supervisor: what it spends while we call one at a time is its cost per call.
  const supervisorBefore = process.env.WFLO_SOCKET ? cpuMsOf(process.ppid) : null;
  const plain = [];
  for (let i = 0; i < calls; i++) plain.push(await plainCall());
  const ttfc = [];
  for (let i = 0; i < streams; i++) ttfc.push(await streamedCall());
  const supervisorAfter = supervisorBefore === null ? null : cpuMsOf(process.ppid);
  return { plain, ttfc, supervisorCpuMs: supervisorAfter === null ? null : supervisorAfter - supervisorBefore };
}

// BENCH_AGENT: every call inside agent(name), so per-agent guards are on its path (under wflo only).
const { plain, ttfc, supervisorCpuMs } = process.env.BENCH_AGENT
  ? await (await import('wflo')).agent(process.env.BENCH_AGENT, measure)
  : await measure();

process.stdout.write(`${JSON.stringify({ plain, ttfc, supervisorCpuMs, supervised: Boolean(process.env.WFLO_SOCKET) })}\n`);
