import { formatUsd, type Nano } from '../ledger/money.js';
import type { RunEvent } from '../supervisor/events.js';
import type { RunInfo, RunSummary } from './reporter.js';

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
      return null;
    case 'call-settled': {
      const u = event.usage;
      if (event.status === 'replayed') return `call #${event.seq} ${event.model}  replayed from the journal  $0`;
      const tokens = u ? `${u.inputTokens} in${u.cachedInputTokens ? ` (${u.cachedInputTokens} cached)` : ''} / ${u.outputTokens} out` : event.status;
      const failed = event.error && event.status !== 'ok' ? `  (${event.error})` : '';
      return `call #${event.seq} ${event.model}${event.stream ? ' stream' : ''}  ${tokens}  ${formatUsd(event.costNano)}${failed}`;
    }
    case 'call-denied':
      return `refused call #${event.seq} ${event.model}: ${event.message}`;
    case 'warning':
      return `warning: ${event.message}`;
    case 'stopping':
      return `stopping the run (${event.reason}): ${event.message}`;
    case 'checkpoint':
      return event.deduplicated ? null : `checkpoint ${event.seq} "${event.name}" saved (${event.id}, ${event.sizeBytes} bytes)`;
  }
}

export function summaryLine(s: RunSummary): string {
  const denied = s.deniedCalls ? `, ${s.deniedCalls} refused` : '';
  const estimated = s.estimatedCalls ? `, ${s.estimatedCalls} estimated` : '';
  return `${s.runId} ${s.status}  spent ${budgetText(s.spentNano, s.budgetNano)}  ${s.llmCalls} calls${denied}${estimated}  exit ${s.exitCode}`;
}
