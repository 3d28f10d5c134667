import { formatUsd } from '../ledger/money.js';
import type { RunEvent } from '../supervisor/events.js';
import { eventLine, startLine, summaryLine } from './describe.js';
import type { Reporter, RunInfo, RunSummary } from '../supervisor/reporter.js';

/** Plain lines on stderr (CI, pipes): the script keeps the terminal and stdout to itself. */
export class PlainReporter implements Reporter {
  readonly ownsTerminal = false;
  private checkpoints = 0;
  /** Fitting is explained once; each call's own line then shows its limit. */
  private fittedShown = false;

  /** Lines of this turn of the event loop, written together: one write per batch of calls, not one per call. */
  private pending = '';

  constructor(private readonly err: NodeJS.WritableStream) {}

  private line(text: string): void {
    if (this.pending === '') setImmediate(() => this.flush());
    this.pending += `wflo: ${text}\n`;
  }

  private flush(): void {
    if (this.pending === '') return;
    const lines = this.pending;
    this.pending = '';
    this.err.write(lines);
  }

  start(info: RunInfo): void {
    this.line(`run ${startLine(info)}`);
  }

  event = (event: RunEvent): void => {
    // A graph may checkpoint every step: count them rather than print a line each.
    if (event.type === 'checkpoint') { if (!event.deduplicated) this.checkpoints++; return; }
    if (event.type === 'call-capped') { if (this.fittedShown) return; this.fittedShown = true; }
    const text = eventLine(event);
    if (text) this.line(text);
  };

  scriptOutput(): void { /* the script writes to the terminal itself */ }

  async finish(s: RunSummary): Promise<void> {
    for (const m of s.byModel) {
      this.line(`  ${m.provider}/${m.model}: ${m.calls} calls, ${m.inputTokens} in / ${m.outputTokens} out, ${formatUsd(m.costNano)}`);
    }
    if (s.byAgent.some((a) => a.agent !== '(none)')) {
      for (const a of s.byAgent) this.line(`  agent ${a.agent}: ${a.calls} call${a.calls === 1 ? '' : 's'}, ${formatUsd(a.costNano)}${a.budgetNano === null ? '' : ` of ${formatUsd(a.budgetNano)}`}`);
    }
    if (s.deadLetters > 0) this.line(`  ${s.deadLetters} call${s.deadLetters === 1 ? '' : 's'} given up on after retries (wflo dlq ${s.runId})`);
    if (s.status === 'failed' && s.stopMessage) this.line(s.stopMessage);
    if (this.checkpoints > 0) this.line(`  ${this.checkpoints} checkpoint${this.checkpoints === 1 ? '' : 's'} saved (wflo checkpoints ${s.runId})`);
    this.line(summaryLine(s));
    this.flush();
  }
}
