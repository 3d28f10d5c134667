import fs from 'node:fs';
import net from 'node:net';
import {
  PROTOCOL_VERSION, callLogBase, parseHookMessage,
  type HelloMessage, type DeadLetterMessage, type HookMessage, type HookRequest, type NoticeMessage, type SettleMessage, type StartMessage,
  type SupervisorMessage, type ToolRunMessage,
} from '../protocol/messages.js';
import { CallLogReader } from './call-log-reader.js';

/** What the supervisor does with each hook message. Called on the one event loop, in order. */
export interface HookHandlers {
  hello(connection: number, message: HelloMessage): void;
  /** The answer, or null when it comes later (a call waiting for budget) through `IpcServer.post`. */
  request(connection: number, pid: number, message: HookRequest): SupervisorMessage | null;
  /** A call the hook granted from its lease; it has left, or is leaving, the process. `log` is the nonce of the call log it came in. */
  start(connection: number, pid: number, log: string, message: StartMessage): void;
  /** What a hook had not used of its lease, given back after a recall. */
  returned(connection: number, amount: number): void;
  settle(connection: number, message: SettleMessage): void;
  /** Something a hook saw that the run should show. */
  notice(pid: number, message: NoticeMessage): void;
  /** A tool run, or a call the hook gave up on after its attempts. */
  report(connection: number, message: ToolRunMessage | DeadLetterMessage): void;
  closed(connection: number): void;
  /** Runs the handling of one batch of messages (e.g. in one database transaction, not yet committed). */
  batch<T>(work: () => T): T;
  /** Makes every batch handled so far durable: before anything is answered, and within GROUP_COMMIT_MS otherwise. */
  commit(): void;
  /** Handling failed (the batch was rolled back, nothing answered). */
  failed(error: Error): void;
}

/**
 * Batches that answer nobody (calls started from a lease, settles, reports) are committed
 * together within this long: one commit for many calls instead of one per message.
 */
export const GROUP_COMMIT_MS = 10;

/** One hook's connection: who it is, its call log, and what it sent on the socket that is not handled yet. */
interface Peer { connection: number; socket: net.Socket; pid: number; buffered: string; log: CallLogReader | null }

/**
 * Call logs are read this often while calls come, and less often (up to POLL_IDLE_MS) while they
 * do not: a call granted from a lease is in the store within a poll and a commit. Each read costs
 * something whatever it finds (a batch, lease review, a commit): every 20 ms instead of every 5
 * took a third off wflo's CPU per call, one call at a time (217 -> 127 µs) and in a burst (168 -> 107 µs).
 */
export const POLL_MS = 20;
const POLL_IDLE_MS = 32;

/** Handles one message from a hook's socket or call log; returns its reply, or '' when none. */
function dispatch(peer: Peer, handlers: HookHandlers, message: HookMessage, closed: boolean): string {
  switch (message.type) {
    // Handled even when the connection has closed: the request left.
    case 'start': handlers.start(peer.connection, peer.pid, peer.log?.nonce ?? '', message); return '';
    case 'returned': handlers.returned(peer.connection, message.amount); return '';
    case 'settle': handlers.settle(peer.connection, message); return '';
    case 'notice': handlers.notice(peer.pid, message); return '';
    case 'tool-run': case 'dead-letter': handlers.report(peer.connection, message); return '';
    case 'hello': case 'log': case 'sync': case 'next': case 'part': return '';
    default: {
      if (closed && message.type !== 'checkpoint') return '';
      const reply = handlers.request(peer.connection, peer.pid, message);
      return reply ? `${JSON.stringify(reply)}\n` : '';
    }
  }
}

/** Hands a peer's logged messages to the handlers, as far as `syncs` allows; returns how many. */
function readLog(peer: Peer, handlers: HookHandlers, syncs: 'stop' | 'through' | 'skip'): number {
  return peer.log?.read((message) => dispatch(peer, handlers, message, false), syncs) ?? 0;
}

/**
 * Handles every complete line buffered for one connection; returns the replies to send. Each
 * socket message goes after what the hook logged before it. When the connection has closed,
 * requests are dropped (nobody could act on a grant), and the log is read to its end.
 */
function handleLines(peer: Peer, handlers: HookHandlers, closed: boolean, logBase: string, readPart: (file: string) => void): string {
  let replies = '';
  let newline = peer.buffered.indexOf('\n');
  while (newline !== -1) {
    const message = parseHookMessage(peer.buffered.slice(0, newline));
    peer.buffered = peer.buffered.slice(newline + 1);
    newline = peer.buffered.indexOf('\n');
    if (!message) continue;
    if (message.type === 'hello') {
      if (message.v !== PROTOCOL_VERSION) { peer.socket.destroy(); return ''; }
      peer.pid = message.pid;
      peer.log = new CallLogReader(logBase, message.log, readPart);
      handlers.hello(peer.connection, message);
      continue;
    }
    if (message.type === 'log') peer.log?.open();
    readLog(peer, handlers, 'through');
    replies += dispatch(peer, handlers, message, closed);
  }
  if (closed) readLog(peer, handlers, 'skip');
  return replies;
}

/** Listens on a Unix socket for the hooks of a run's processes; JSON lines both ways. */
export class IpcServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextConnection = 1;
  private closed = false;
  private idle: (() => void) | undefined;
  private readonly ready = new Set<Peer>();
  private flushScheduled = false;
  private readonly peers = new Map<number, Peer>();
  /** Answers decided outside a request (calls that waited), sent once the batch that recorded them commits. */
  private outbox = new Map<number, string>();
  private inBatch = false;
  private commitTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private pollDue = 0;
  /** What to do with the hooks' messages; null until open(): connections wait, unread. */
  private handlers: HookHandlers | null = null;
  private held: net.Socket[] = [];
  /** Call log parts read to their end: removed once what was read from them is committed. */
  private readParts: string[] = [];
  private readonly readPart = (file: string): void => { this.readParts.push(file); };

  /** Where the hooks' call logs are (callLogBase). */
  readonly logBase: string;

  private constructor(readonly socketPath: string, readonly logDir: string | undefined) {
    this.logBase = callLogBase(socketPath, logDir);
    // Paused until read: hooks may connect (and write) before the supervisor is ready to answer.
    this.server = net.createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  /** Listens; connections are accepted but not read until open(). The hooks' call logs go in `logDir` (@default beside the socket). */
  static async listen(socketPath: string, logDir?: string): Promise<IpcServer> {
    fs.rmSync(socketPath, { force: true });
    const ipc = new IpcServer(socketPath, logDir);
    await new Promise<void>((resolve, reject) => {
      ipc.server.once('error', reject);
      ipc.server.listen(socketPath, () => resolve());
    });
    return ipc;
  }

  /**
   * Starts reading the hooks' messages. Until then they wait in their sockets: the script can
   * start while the supervisor gets ready (its store, its modules, the price catalogues).
   */
  open(handlers: HookHandlers): void {
    this.handlers = handlers;
    const held = this.held;
    this.held = [];
    for (const socket of held) if (!socket.destroyed) this.attach(socket, handlers);
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => { if (!this.handlers) this.sockets.delete(socket); });
    if (this.handlers) this.attach(socket, this.handlers);
    else this.held.push(socket);
  }

  private attach(socket: net.Socket, handlers: HookHandlers): void {
    const connection = this.nextConnection++;
    socket.setEncoding('utf8');
    const peer: Peer = { connection, socket, pid: 0, buffered: '', log: null };
    this.peers.set(connection, peer);
    socket.on('data', (chunk: string) => {
      peer.buffered += chunk;
      // Look for a line end in the new chunk only: a 20 MB checkpoint arrives in many chunks.
      if (!chunk.includes('\n')) return;
      this.ready.add(peer);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush(handlers));
      }
    });
    socket.on('error', () => { /* a process that dies mid-write; 'close' follows */ });
    socket.on('close', () => {
      // Its last reports may still be waiting for this turn's flush, or in its log: handle them before it counts as gone.
      this.ready.delete(peer);
      this.batch(handlers, () => handleLines(peer, handlers, true, this.logBase, this.readPart));
      peer.log?.close();
      this.sockets.delete(socket);
      this.peers.delete(connection);
      this.batch(handlers, () => handlers.closed(connection));
      this.sendOutbox();
      this.commitSoon();
      if (this.sockets.size === 0) this.idle?.();
    });
    socket.resume();
  }

  /**
   * Handles everything that arrived in this turn of the event loop, from every process, in one
   * transaction, then answers: every grant is recorded before it is sent, at one commit per turn.
   */
  private flush(handlers: HookHandlers): void {
    this.flushScheduled = false;
    const peers = [...this.ready];
    this.ready.clear();
    const replies = this.batch(handlers, () => peers.map((peer) => handleLines(peer, handlers, false, this.logBase, this.readPart)));
    this.pollSoon(POLL_MS);
    if (!replies?.some(Boolean) && this.outbox.size === 0) { this.commitSoon(); return; }
    // Nothing is answered unless it was recorded.
    if (!this.commit()) return;
    // A reply and what the batch posted to the same process (a grant and the lease it brings) go in one
    // write: one system call, and the hook has its lease before the call it was granted with goes on.
    const outbox = this.outbox;
    this.outbox = new Map();
    replies?.forEach((reply, i) => {
      const peer = peers[i];
      if (!peer) return;
      const posted = outbox.get(peer.connection) ?? '';
      outbox.delete(peer.connection);
      if (reply || posted) peer.socket.write(reply + posted);
    });
    this.write(outbox);
  }

  /** Reads the call logs in `ms` (unless a read is due sooner). */
  private pollSoon(ms: number): void {
    if (this.pollTimer && this.pollDue <= Date.now() + ms) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollDue = Date.now() + ms;
    this.pollTimer = setTimeout(() => this.poll(ms), ms);
    // wflo waits for the script, not for its logs.
    this.pollTimer.unref();
  }

  /** Reads every call log as far as it goes before a socket message not yet handled; polls sooner while calls come. */
  private poll(lastMs: number): void {
    this.pollTimer = null;
    const handlers = this.handlers;
    if (!handlers || this.peers.size === 0) return;
    // Nothing new in any log (a script between calls): no transaction is begun for nothing.
    if (![...this.peers.values()].some((peer) => peer.log?.ready())) { this.pollSoon(Math.min(POLL_IDLE_MS, lastMs * 2)); return; }
    const read = this.batch(handlers, () => {
      let n = 0;
      for (const peer of this.peers.values()) n += readLog(peer, handlers, 'stop');
      return n;
    }) ?? 0;
    if (read > 0) { this.sendOutbox(); this.commitSoon(); }
    this.pollSoon(read > 0 ? POLL_MS : Math.min(POLL_IDLE_MS, lastMs * 2));
  }

  /** Commits within GROUP_COMMIT_MS. */
  private commitSoon(): void {
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => this.commit(), GROUP_COMMIT_MS);
    this.commitTimer.unref();
  }

  /** Commits now; false (answers dropped, the failure reported) when the store refused. */
  commit(): boolean {
    if (this.commitTimer) { clearTimeout(this.commitTimer); this.commitTimer = null; }
    const handlers = this.handlers;
    if (!handlers) return true;
    try {
      handlers.commit();
      if (this.readParts.length > 0) for (const file of this.readParts.splice(0)) fs.rmSync(file, { force: true });
      return true;
    } catch (err) {
      this.outbox.clear();
      handlers.failed(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
  }

  /**
   * Answers a request later (a call that waited for budget). Inside a batch the answer goes
   * out after the batch commits; outside one, on the next turn.
   */
  post(connection: number, message: SupervisorMessage): void {
    if (!this.peers.has(connection)) return;
    this.outbox.set(connection, `${this.outbox.get(connection) ?? ''}${JSON.stringify(message)}\n`);
    if (!this.inBatch) setImmediate(() => this.sendOutbox());
  }

  private sendOutbox(): void {
    if (this.outbox.size === 0 || !this.commit()) return;
    const outbox = this.outbox;
    this.outbox = new Map();
    this.write(outbox);
  }

  private write(outbox: Map<number, string>): void {
    for (const [connection, lines] of outbox) this.peers.get(connection)?.socket.write(lines);
  }

  /** One transaction; answers posted during a batch that failed are dropped with it (nothing unrecorded is sent). */
  private batch<T>(handlers: HookHandlers, work: () => T): T | undefined {
    this.inBatch = true;
    try {
      return handlers.batch(work);
    } catch (err) {
      this.outbox.clear();
      handlers.failed(err instanceof Error ? err : new Error(String(err)));
      return undefined;
    } finally {
      this.inBatch = false;
    }
  }

  /** Resolves once every hook has disconnected (its last reports read), or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    if (this.sockets.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle = () => { clearTimeout(timer); resolve(); };
    });
    this.idle = undefined;
  }

  /** Stops listening and drops every connection (the hooks then stop their processes). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.socketPath, { force: true });
  }
}
