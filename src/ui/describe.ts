import { formatUsd, type Nano } from '../ledger/money.js';
import type { RunEvent } from '../supervisor/events.js';
import type { RunInfo, RunSummary } from '../supervisor/reporter.js';

/** One-line descriptions shared by the plain reporter and the live view. */
export function budgetText(spent: Nano, budget: Nano | null): string {
  return budget === null ? `${formatUsd(spent)} (no budget)` : `${formatUsd(spent)} of ${formatUsd(budget)}`;
}

export function startLine(info: RunInfo): string {
  const budget = info.budgetNano === null ? 'no budget' : `budget ${formatUsd(info.budgetNano)}`;
  const sim = info.simulated ? '  [SIMULATED provider: no real API calls, no real cost]' : '';
  return `${info.runId} ${info.script}  ${budget}${sim}`;
}

export function eventLine(event: RunEvent): string | null {
  switch (event.type) {
    case 'process':
    case 'queue':
      return null;
    case 'call-settled': {
      const u = event.usage;
      if (event.status === 'replayed') return `call #${event.seq} ${event.model}  replayed from the journal  $0`;
      const tokens = u ? `${u.inputTokens} in${u.cachedInputTokens ? ` (${u.cachedInputTokens} cached)` : ''} / ${u.outputTokens} out` : event.status;
      const failed = event.error && event.status !== 'ok' ? `  (${event.error})` : '';
      const fitted = event.outputCap === null ? '' : ` (limit ${event.outputCap})`;
      return `call #${event.seq} ${event.model}${event.stream ? ' stream' : ''}  ${tokens}${fitted}  ${formatUsd(event.costNano)}${failed}`;
    }
    case 'call-denied':
      return `refused call #${event.seq} ${event.model}: ${event.message}`;
    case 'call-waiting':
      return `call #${event.seq} ${event.model} waits for budget: it could cost up to ${formatUsd(event.worstCaseNano)}, `
        + `and ${formatUsd(event.heldNano)} is held for ${event.inFlight} call${event.inFlight === 1 ? '' : 's'} in flight`;
    case 'call-capped':
      return `call #${event.seq} ${event.model} fitted to the budget: output limited to ${event.outputTokens} tokens`
        + `${event.requested === null ? '' : ` (it allowed ${event.requested})`}; later calls are fitted too while the budget is short (--no-fit refuses them instead)`;
    case 'warning':
      return `warning: ${event.message}`;
    case 'stopping':
      return `stopping the run (${event.reason}): ${event.message}`;
    case 'checkpoint':
      return event.deduplicated ? null : `checkpoint ${event.seq} "${event.name}" saved (${event.id}, ${event.sizeBytes} bytes)`;
    case 'notice':
      return event.message;
  }
}

export function summaryLine(s: RunSummary): string {
  const denied = s.deniedCalls ? `, ${s.deniedCalls} refused` : '';
  const estimated = s.estimatedCalls ? `, ${s.estimatedCalls} estimated` : '';
  const capped = s.cappedCalls ? `, ${s.cappedCalls} fitted` : '';
  const waited = s.waitedCalls ? `, ${s.waitedCalls} waited` : '';
  const used = s.budgetNano === null ? '' : ` (${budgetUsedPct(s.spentNano, s.budgetNano)}%)`;
  return `${s.runId} ${s.status}  spent ${budgetText(s.spentNano, s.budgetNano)}${used}  ${s.llmCalls} calls${denied}${capped}${waited}${estimated}  exit ${s.exitCode}`;
}

/** Share of the budget spent, in percent with two decimals (rounded down: 100 means all of it). */
export function budgetUsedPct(spent: Nano, budget: Nano): number {
  return Math.floor((spent * 10_000) / budget) / 100;
}
