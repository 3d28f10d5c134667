import type { ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';

/** How often the store is asked whether anyone wrote to it. */
export const POLL_MS = 500;
/** A comment line this often keeps proxies and the browser from dropping a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-sent events for the pages: `change` whenever another connection (a running run) has
 * committed to the store since the last look. SQLite's `PRAGMA data_version` tells that from
 * this read-only connection at the cost of one pragma, so nothing is polled while no page listens.
 */
export class ChangeFeed {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private version = 0;

  constructor(private readonly db: Database.Database, private readonly pollMs = POLL_MS) {}

  /** Starts an event stream on `res`; it ends when the client goes or the feed closes. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // retry: how long a browser waits before reconnecting after the server went away.
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ version: this.version })}\n\n`);
    this.clients.add(res);
    res.on('close', () => { this.clients.delete(res); if (this.clients.size === 0) this.stop(); });
    this.start();
  }

  /** Ends every stream and stops polling. */
  close(): void {
    this.stop();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private start(): void {
    if (this.timer) return;
    let last = this.dataVersion();
    this.timer = setInterval(() => {
      const now = this.dataVersion();
      if (now === last) return;
      last = now;
      this.version++;
      this.broadcast(`event: change\ndata: ${JSON.stringify({ version: this.version })}\n\n`);
    }, this.pollMs);
    this.keepalive = setInterval(() => this.broadcast(': keepalive\n\n'), KEEPALIVE_MS);
    // A page left open must not keep `wflo ui` from stopping.
    this.timer.unref();
    this.keepalive.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    clearInterval(this.keepalive);
    this.timer = undefined;
    this.keepalive = undefined;
  }

  private dataVersion(): number {
    try {
      return Number(this.db.pragma('data_version', { simple: true }));
    } catch {
      // A store that went away (deleted, locked past the timeout) shows as no change; the pages' own requests say why.
      return -1;
    }
  }

  private broadcast(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}
