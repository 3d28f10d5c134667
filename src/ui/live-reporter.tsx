import { render, useStderr, useStdout, type Instance } from 'ink';
import { useEffect, useState } from 'react';
import type { RunEvent } from '../supervisor/events.js';
import { summaryLine } from './describe.js';
import { foldEvent, initialLiveState, type LiveState } from './live-state.js';
import { LiveView } from './live-view.js';
import type { Reporter, RunInfo, RunSummary } from '../supervisor/reporter.js';

type Writer = (stream: 'stdout' | 'stderr', text: string) => void;

/** Bridges the reporter (called from the supervisor) and the mounted React tree. */
class LiveBridge {
  state: LiveState = initialLiveState;
  private listener: ((state: LiveState) => void) | undefined;
  private writer: Writer | undefined;
  private pending: Array<[ 'stdout' | 'stderr', string ]> = [];

  update(next: LiveState): void { this.state = next; this.listener?.(next); }
  subscribe(listener: (state: LiveState) => void): () => void { this.listener = listener; return () => { this.listener = undefined; }; }
  write(stream: 'stdout' | 'stderr', text: string): void {
    if (this.writer) this.writer(stream, text); else this.pending.push([stream, text]);
  }
  attach(writer: Writer): void {
    this.writer = writer;
    for (const [stream, text] of this.pending) writer(stream, text);
    this.pending = [];
  }
}

function LiveApp({ bridge }: { bridge: LiveBridge }) {
  const [state, setState] = useState(bridge.state);
  const { write: writeOut } = useStdout();
  const { write: writeErr } = useStderr();
  useEffect(() => bridge.subscribe(setState), [bridge]);
  // Ink's writers print above the live region, so the script's output never garbles it.
  useEffect(() => bridge.attach((stream, text) => (stream === 'stdout' ? writeOut(text) : writeErr(text))), [bridge, writeOut, writeErr]);
  return <LiveView state={state} />;
}

/** The terminal view: the script's output scrolls above a live panel. */
export class LiveReporter implements Reporter {
  readonly ownsTerminal = true;
  private readonly bridge = new LiveBridge();
  private instance: Instance | undefined;

  constructor(private readonly out: NodeJS.WriteStream, private readonly err: NodeJS.WriteStream) {}

  start(info: RunInfo): void {
    this.bridge.update({ ...initialLiveState, info });
    this.instance = render(<LiveApp bridge={this.bridge} />, { stdout: this.out, stderr: this.err, exitOnCtrlC: false, patchConsole: false });
  }

  event = (event: RunEvent): void => {
    this.bridge.update(foldEvent(this.bridge.state, event));
  };

  scriptOutput(stream: 'stdout' | 'stderr', text: string): void {
    this.bridge.write(stream, text);
  }

  async finish(summary: RunSummary): Promise<void> {
    this.instance?.unmount();
    await this.instance?.waitUntilExit();
    this.err.write(`wflo: ${summaryLine(summary)}\n`);
  }
}
