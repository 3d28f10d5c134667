import type { RunSummary } from '../supervisor/reporter.js';

/** A workflow command's message: GitHub reads %, CR and LF as escapes. */
export function escapeCommandData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

const STOPS: Partial<Record<RunSummary['status'], string>> = {
  budget_exceeded: 'stopped at the budget',
  loop_detected: 'stopped a loop',
};

/**
 * GitHub Actions workflow commands for a finished run (GITHUB_ACTIONS=true): an error for a
 * budget or loop stop or an internal error, a warning for what needs a look (unpriced models,
 * estimated or fitted calls, open circuits). One line each, naming the run.
 */
export function annotations(s: RunSummary): string[] {
  const lines: string[] = [];
  const run = `wflo run ${s.runId}`;
  const stop = STOPS[s.status];
  if (stop) lines.push(`::error title=wflo: ${stop}::${escapeCommandData(`${run}: ${s.stopMessage ?? s.status}`)}`);
  else if (s.exitCode === 70) lines.push(`::error title=wflo: internal error::${escapeCommandData(`${run}: ${s.stopMessage ?? 'internal error'}`)}`);
  for (const model of s.unpricedModels) lines.push(`::warning title=wflo: unpriced model::${escapeCommandData(`${run}: no price for ${model}; its calls are not in the spend (add it under prices in wflo.config.json)`)}`);
  if (s.estimatedCalls > 0) lines.push(`::warning title=wflo: estimated calls::${escapeCommandData(`${run}: ${s.estimatedCalls} call${s.estimatedCalls === 1 ? '' : 's'} charged at their reservation (usage unknown)`)}`);
  if (s.cappedCalls > 0) lines.push(`::warning title=wflo: calls fitted to the budget::${escapeCommandData(`${run}: ${s.cappedCalls} call${s.cappedCalls === 1 ? '' : 's'} sent with a lower output limit to fit the budget`)}`);
  for (const circuit of s.openCircuits) lines.push(`::warning title=wflo: circuit open::${escapeCommandData(`${run}: circuit ${circuit} is open (wflo circuits)`)}`);
  return lines.map((line) => `${line}\n`);
}
