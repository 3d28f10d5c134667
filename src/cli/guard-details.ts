import Table from 'cli-table3';
import { budgetUsedPct } from '../ui/describe.js';
import { formatUsd } from '../ledger/money.js';
import type { GuardDetails } from '../json/run-json.js';

export type { GuardDetails } from '../json/run-json.js';

/** Tables for agents (when the run named any) and tools (when it used any), and the dead-letter count. */
export function guardLines(g: GuardDetails, runId: string): string[] {
  const lines: string[] = [];
  if (g.byAgent.some((a) => a.agent !== '(none)')) {
    const table = new Table({ head: ['agent', 'calls', 'cost', 'budget', 'used'], style: { head: ['bold'] } });
    for (const a of g.byAgent) {
      table.push([a.agent, String(a.calls), formatUsd(a.costNano), a.budgetNano === null ? '—' : formatUsd(a.budgetNano),
        a.budgetNano === null ? '—' : `${budgetUsedPct(a.costNano, a.budgetNano)}%`]);
    }
    lines.push(table.toString());
  }
  if (g.tools.length > 0) {
    const table = new Table({ head: ['tool', 'asked by model', 'runs', 'success', 'median'], style: { head: ['bold'] } });
    for (const t of g.tools) {
      table.push([t.name, String(t.asked), String(t.runs), t.runs === 0 ? '—' : `${Math.round((t.succeeded / t.runs) * 100)}%`,
        t.medianMs === null ? '—' : `${t.medianMs.toFixed(1)}ms`]);
    }
    lines.push(table.toString());
  }
  if (g.deadLetters > 0) lines.push(`${g.deadLetters} call${g.deadLetters === 1 ? '' : 's'} given up on after retries (wflo dlq ${runId})`);
  return lines;
}
