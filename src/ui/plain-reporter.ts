import { formatUsd } from '../ledger/money.js';
import type { RunEvent } from '../supervisor/events.js';
import { eventLine, startLine, summaryLine } from './describe.js';
import type { Reporter, RunInfo, RunSummary } from './reporter.js';

/** Plain lines on stderr (CI, pipes): the script keeps the terminal and stdout to itself. */
export class PlainReporter implements Reporter {
  readonly ownsTerminal = false;

  constructor(private readonly err: NodeJS.WritableStream) {}

  private line(text: string): void {
    this.err.write(`wflo: ${text}\n`);
  }

  start(info: RunInfo): void {
    this.line(`run ${startLine(info)}`);
  }

  event = (event: RunEvent): void => {
    const text = eventLine(event);
    if (text) this.line(text);
  };

  scriptOutput(): void { /* the script writes to the terminal itself */ }

  async finish(s: RunSummary): Promise<void> {
    for (const m of s.byModel) {
      this.line(`  ${m.provider}/${m.model}: ${m.calls} calls, ${m.inputTokens} in / ${m.outputTokens} out, ${formatUsd(m.costNano)}`);
    }
    this.line(summaryLine(s));
  }
}
