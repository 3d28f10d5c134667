// Memory bench agent (bench/memory.mjs): one process making non-streamed chat calls with a fixed
// number in flight, pausing at given call counts until the bench says go, so the supervisor can
// be measured while nothing is in flight.
// Usage: node paced.mjs <calls> <concurrency> <stop,stop,...> [chat|responses]
// Prints one JSON line per stop ({"at": n}) and a last one with the totals; reads one stdin line per stop.
// A call that never answers is a wflo bug to report, not a reason to stall: it is counted as hung.
import { createInterface } from 'node:readline';

const [calls, concurrency] = [Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 16)];
const stops = (process.argv[4] ?? '').split(',').filter(Boolean).map(Number).filter((n) => n <= calls);
const responses = process.argv[5] === 'responses';
const url = `${process.env.OPENAI_BASE_URL}/${responses ? 'responses' : 'chat/completions'}`;
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** A call with no answer after this long is counted as hung and left behind, so one stuck call does not stall the run. */
const HUNG_MS = 15_000;

let issued = 0;
let ok = 0;
let hung = 0;
const errors = [];
// Each call asks something new, as an agent does: the same request again and again is a loop to wflo.
const init = (n) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY}` },
  body: JSON.stringify(responses
    ? { model: 'gpt-4o-mini', max_output_tokens: 50, input: `Give three reasons to write unit tests. (${process.pid}.${n})` }
    : { model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: `Give three reasons to write unit tests. (${process.pid}.${n})` }] }),
});

async function pause(at) {
  process.stdout.write(`${JSON.stringify({ at, ok, hung })}\n`);
  await lines.next();
}

/** Calls until `until` have been issued, `concurrency` at a time; resolves when all have come back. */
async function burst(until) {
  const lane = async () => {
    while (issued < until) {
      const n = ++issued;
      let timer;
      const timeout = new Promise((resolve) => { timer = setTimeout(resolve, HUNG_MS, null); });
      try {
        const answer = await Promise.race([fetch(url, init(n)).then(async (res) => ({ res, body: await res.json() })), timeout]);
        if (answer === null) { hung++; if (errors.length < 5) errors.push(`call ${n}: no answer after ${HUNG_MS / 1000} s`); continue; }
        const { res, body } = answer;
        if (res.ok && body.usage) ok++;
        else if (errors.length < 5) errors.push(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      } catch (err) {
        if (errors.length < 5) errors.push(String(err?.message ?? err));
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

for (const stop of [0, ...stops]) {
  await burst(stop);
  await pause(stop);
}
await burst(calls);
process.stdout.write(`${JSON.stringify({ done: issued, ok, hung, failed: issued - ok, errors })}\n`);
process.stdin.destroy(); // end on our own (no process.exit): the hook's last reports must go out
