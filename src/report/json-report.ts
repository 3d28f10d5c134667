import fs from 'node:fs';
import path from 'node:path';
import { formatUsd, nanoToUsd } from '../ledger/money.js';
import { budgetUsedPct } from '../ui/describe.js';
import type { RunSummary } from '../supervisor/reporter.js';

/** The `--report` file: stable field names for CI jobs to read. */
export function jsonReport(s: RunSummary): object {
  return {
    runId: s.runId,
    status: s.status,
    exitCode: s.exitCode,
    budgetUsd: s.budgetNano === null ? null : nanoToUsd(s.budgetNano),
    spentUsd: nanoToUsd(s.spentNano),
    llmCalls: s.llmCalls,
    refusedCalls: s.deniedCalls,
    estimatedCalls: s.estimatedCalls,
    cappedCalls: s.cappedCalls,
    waitedCalls: s.waitedCalls,
    budgetUsedPct: s.budgetNano === null ? null : budgetUsedPct(s.spentNano, s.budgetNano),
    durationMs: s.durationMs,
    stopReason: s.stopMessage,
    retriedCalls: s.retriedCalls,
    deadLetters: s.deadLetters,
    loops: s.loops,
    circuitTrips: s.circuitTrips,
    byModel: s.byModel.map((m) => ({
      provider: m.provider, model: m.model, calls: m.calls, inputTokens: m.inputTokens,
      cachedInputTokens: m.cachedInputTokens, outputTokens: m.outputTokens, costUsd: nanoToUsd(m.costNano),
    })),
    byAgent: s.byAgent.map((a) => ({ agent: a.agent, calls: a.calls, costUsd: nanoToUsd(a.costNano), budgetUsd: a.budgetNano === null ? null : nanoToUsd(a.budgetNano) })),
  };
}

export function writeJsonReport(file: string, s: RunSummary): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(jsonReport(s), null, 2)}\n`);
}

/** Markdown for a GitHub Actions step summary ($GITHUB_STEP_SUMMARY). */
export function stepSummary(s: RunSummary): string {
  const budget = s.budgetNano === null ? 'none' : formatUsd(s.budgetNano);
  const rows = s.byModel.map((m) => `| ${m.provider} | ${m.model} | ${m.calls} | ${m.inputTokens} | ${m.outputTokens} | ${formatUsd(m.costNano)} |`);
  return [
    `### wflo run \`${s.runId}\`: ${s.status}`,
    '',
    `Spent **${formatUsd(s.spentNano)}** of budget ${budget}${s.budgetNano === null ? '' : ` (${budgetUsedPct(s.spentNano, s.budgetNano)}%)`} · ${s.llmCalls} LLM calls`
      + `${s.deniedCalls ? ` · ${s.deniedCalls} refused` : ''}${s.cappedCalls ? ` · ${s.cappedCalls} fitted to the budget` : ''}${s.waitedCalls ? ` · ${s.waitedCalls} waited` : ''} · exit ${s.exitCode}`,
    ...(s.stopMessage ? ['', `> ${s.stopMessage}`] : []),
    '',
    '| provider | model | calls | input tokens | output tokens | cost |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    ...agentRows(s),
    '',
  ].join('\n');
}

/** Spend by agent, when the run named any. */
function agentRows(s: RunSummary): string[] {
  if (!s.byAgent.some((a) => a.agent !== '(none)')) return [];
  return ['', '| agent | calls | cost | budget |', '|---|---:|---:|---:|',
    ...s.byAgent.map((a) => `| ${a.agent} | ${a.calls} | ${formatUsd(a.costNano)} | ${a.budgetNano === null ? '—' : formatUsd(a.budgetNano)} |`)];
}
