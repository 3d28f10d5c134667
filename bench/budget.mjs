// `npm run bench` (budget part): how much of a budget ordinary scripts get to spend, and what
// the waiting queue and fitting cost a call that waits for nothing — side by side with the wflo
// of BASELINE (before them), built from git into a temp dir in the same run.
//   1. budget use: sequential agents that set no max tokens (and an Anthropic one with 8192) at
//      $0.05, and a concurrent burst from three processes at $0.25: % of the budget the provider
//      billed, and overspend (must be 0);
//   2. added latency per non-streamed call: bare vs baseline wflo vs this wflo, alternated rounds.
// Exit code 1 only when a correctness check fails (any overspend, a run that did not end as it should).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { startFakeProvider } from '../dist/simulator/server.js';
import { buildBaseline, median, round, runNode, table, verdict } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** main before the waiting queue and fitting (issue 6). */
const BASELINE = process.env.BENCH_BASELINE ?? 'd09af52';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const LATENCY = { calls: 150, streams: 20, warmup: 20 };
const TARGET = { minSequentialPct: 95, minBurstPct: 90, addedOverBaselineMs: 0.05 };
/** nano-USD per token (input, output), priced here independently of wflo. */
const PRICES = { 'gpt-4o': [2_500, 10_000], 'gpt-4.1': [2_000, 8_000], o3: [2_000, 8_000], 'claude-sonnet-4-20250514': [3_000, 15_000] };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-bench-budget-'));
const failures = [];

/** Input tokens as OpenAI counts them, so the fake provider bills what the real one would. */
function realInput(info) {
  if (info.provider !== 'openai') return {};
  const body = info.body;
  const messages = Array.isArray(body.messages) ? body.messages : typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : [];
  return messages.length ? { inputTokens: encodeChat(messages.map((m) => ({ role: m.role, content: String(m.content) })), 'gpt-4o').length } : {};
}

const billedNano = (billed) => billed.reduce((sum, b) => {
  const [input, output] = PRICES[b.model] ?? [NaN, NaN];
  return sum + b.usage.inputTokens * input + b.usage.outputTokens * output;
}, 0);

/** One supervised run against a fresh fake provider; what the provider billed, as a share of the budget. */
async function budgetRun(bin, label, script, budgetUsd, args, latencyMs = 0) {
  const provider = await startFakeProvider({ usage: realInput, latencyMs });
  try {
    const env = { ...process.env, CI: '1', OPENAI_BASE_URL: provider.openaiBaseUrl, ANTHROPIC_BASE_URL: provider.anthropicBaseUrl,
      OPENAI_API_KEY: 'sk-bench', ANTHROPIC_API_KEY: 'sk-ant-bench' };
    delete env.WFLO_SOCKET;
    const db = path.join(tmp, `${label}-${Math.random().toString(36).slice(2)}.db`);
    const result = await runNode([bin, 'run', path.join(ROOT, script), '--budget', String(budgetUsd), '--db', db, '--grace', '3000', '--', ...args],
      { env, stderrFile: `${db}.stderr`, timeoutMs: 180_000 });
    const budget = budgetUsd * 1e9;
    const billed = billedNano(provider.billed);
    if (billed > budget) failures.push(`${label}: billed ${billed} nano over a ${budget} budget`);
    if (result.code !== 3 && result.code !== 1) failures.push(`${label}: exit ${result.code ?? result.signal}`);
    return { calls: provider.billed.length, pct: round((100 * billed) / budget, 2), overspendNano: Math.max(0, billed - budget), exit: result.code };
  } finally {
    await provider.close();
  }
}

process.stderr.write(`building the baseline wflo (${BASELINE})…\n`);
const bins = { baseline: path.join(buildBaseline(ROOT, BASELINE, tmp), 'bin', 'wflo.js'), wflo: path.join(ROOT, 'bin', 'wflo.js') };

// ---- 1. budget use
const SCENARIOS = [
  { label: 'gpt-4o chat, no max_tokens, $0.05', script: 'test/fixtures/agent-until-refused.mjs', budget: 0.05, args: ['chat', 'gpt-4o'], min: TARGET.minSequentialPct },
  { label: 'gpt-4.1 stream, no max_tokens, $0.05', script: 'test/fixtures/agent-until-refused.mjs', budget: 0.05, args: ['chat-stream', 'gpt-4.1'], min: TARGET.minSequentialPct },
  { label: 'o3 responses, no max_output_tokens, $0.05', script: 'test/fixtures/agent-until-refused.mjs', budget: 0.05, args: ['responses', 'o3'], min: TARGET.minSequentialPct },
  { label: 'claude-sonnet-4, max_tokens 8192, $0.05', script: 'test/fixtures/agent-until-refused.mjs', budget: 0.05, args: ['anthropic', 'claude-sonnet-4-20250514', '8192'], min: TARGET.minSequentialPct },
  { label: 'burst: 3 processes × 6 agents, gpt-4o, $0.25', script: 'test/fixtures/burst-agents.mjs', budget: 0.25, args: ['6'], min: TARGET.minBurstPct, latencyMs: 5 },
];
const budgetRows = [['scenario', 'baseline billed %', 'wflo billed %', 'wflo calls', 'overspend', 'target']];
const budgetResults = [];
for (const s of SCENARIOS) {
  process.stderr.write(`budget: ${s.label}\n`);
  const baseline = await budgetRun(bins.baseline, `baseline ${s.label}`, s.script, s.budget, s.args, s.latencyMs);
  const now = await budgetRun(bins.wflo, `wflo ${s.label}`, s.script, s.budget, s.args, s.latencyMs);
  budgetResults.push({ ...s, baseline, wflo: now });
  budgetRows.push([s.label, `${baseline.pct}%`, `${now.pct}%`, String(now.calls), `${now.overspendNano + baseline.overspendNano} nano`,
    `≥ ${s.min}% ${verdict(now.pct >= s.min)}`]);
}

// ---- 2. added latency of a call that waits for nothing
const provider = await startFakeProvider({ latencyMs: 0, chunkDelayMs: 0 });
const env = { ...process.env, CI: '1', OPENAI_BASE_URL: provider.openaiBaseUrl, OPENAI_API_KEY: 'sk-bench' };
delete env.WFLO_SOCKET;
const agent = path.join(ROOT, 'bench', 'agents', 'latency.mjs');
const samples = { bare: [], baseline: [], wflo: [] };
const modes = Object.keys(samples);
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order each round, so drift and noise hit every mode alike.
  for (const mode of modes.map((_, i) => modes[(i + r) % modes.length])) {
    process.stderr.write(`latency round ${r + 1}/${ROUNDS}: ${mode}\n`);
    const db = path.join(tmp, `latency-${mode}-${r}.db`);
    const args = [LATENCY.calls, LATENCY.streams, LATENCY.warmup].map(String);
    const argv = mode === 'bare' ? [agent, ...args] : [bins[mode], 'run', agent, '--db', db, '--budget', '100', '--', ...args];
    const result = await runNode(argv, { env, stderrFile: `${db}.stderr` });
    if (!result.ok) { failures.push(`latency ${mode} round ${r + 1} failed`); continue; }
    samples[mode].push(...result.json.plain);
  }
}
await provider.close();
const bare = median(samples.bare);
const added = { baseline: median(samples.baseline) - bare, wflo: median(samples.wflo) - bare };
const latencyRows = [['mode', 'median ms', 'added ms'],
  ['bare', round(bare), '—'], ['baseline wflo', round(median(samples.baseline)), round(added.baseline)], ['this wflo', round(median(samples.wflo)), round(added.wflo)]];

console.log(`\nwflo budget bench — ${new Date().toISOString()}, load ${os.loadavg()[0].toFixed(2)}, baseline ${BASELINE}\n`);
console.log(table(budgetRows));
console.log(`\nper non-streamed call (${samples.bare.length} samples per mode, ${ROUNDS} rotated rounds):`);
console.log(table(latencyRows));
const growth = added.wflo - added.baseline;
console.log(`added over the baseline: ${round(growth)} ms (target ≤ ${TARGET.addedOverBaselineMs} ms: ${verdict(growth <= TARGET.addedOverBaselineMs)})`);
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'budget.json'), `${JSON.stringify({ budget: budgetResults, latency: { bareMs: bare, added, growth } }, null, 2)}\n`);
fs.rmSync(tmp, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\ncorrectness failures:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
