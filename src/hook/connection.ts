import net from 'node:net';
import {
  PROTOCOL_VERSION, parseSupervisorMessage,
  type DeadLetterMessage, type HookRequest, type NoticeMessage, type SettleMessage, type StartMessage, type SupervisorMessage, type ToolRunMessage,
} from '../protocol/messages.js';
import { Lease } from './lease.js';

/** A request without its id: the connection numbers them. */
export type RequestBody = HookRequest extends infer M ? (M extends HookRequest ? Omit<M, 'rid'> : never) : never;
import { threadId } from 'node:worker_threads';

type Pending = (answer: SupervisorMessage | Error) => void;

/**
 * The hook's one connection to the supervisor. It never keeps the process alive while idle
 * (the socket is unref'd unless an answer is awaited), and it reports when the supervisor
 * goes away so the process can follow it.
 */
export class SupervisorConnection {
  private readonly socket: net.Socket;
  private readonly pending = new Map<number, Pending>();
  private nextRid = 1;
  private buffered = '';
  private failure: Error | undefined;
  /** What the supervisor lent this process to grant calls itself. */
  readonly lease = new Lease();

  constructor(socketPath: string, private readonly onSupervisorLost: () => void) {
    this.socket = net.connect(socketPath);
    this.socket.unref();
    this.socket.setEncoding('utf8');
    let connected = false;
    this.socket.on('connect', () => { connected = true; });
    this.socket.on('data', (chunk: string) => this.receive(chunk));
    this.socket.on('error', (err) => { this.fail(new Error(`cannot reach the wflo supervisor: ${err.message}`)); });
    this.socket.on('close', () => {
      this.fail(new Error('the wflo supervisor has gone away'));
      if (connected) this.onSupervisorLost();
    });
    this.write({ v: PROTOCOL_VERSION, type: 'hello', pid: process.pid, ppid: process.ppid, thread: threadId });
  }

  /** Sends a request; resolves with the supervisor's answer, or an Error when it is unreachable. */
  request(message: RequestBody): Promise<SupervisorMessage | Error> {
    if (this.failure) return Promise.resolve(this.failure);
    const rid = this.nextRid++;
    return new Promise((resolve) => {
      this.pending.set(rid, resolve);
      if (this.pending.size === 1) this.socket.ref();
      this.write({ ...message, rid });
    });
  }

  /**
   * Tells the supervisor of a call granted from the lease. The request may leave once this
   * resolves: the message is then in the socket (it reaches the supervisor even if this process
   * dies next). An Error when the supervisor is gone: the call must not be sent.
   */
  start(message: Omit<StartMessage, 'type'>): Promise<Error | null> | Error | null {
    if (this.failure) return this.failure;
    let flushed: (() => void) | null = null;
    let written = false;
    this.socket.write(`${JSON.stringify({ type: 'start', ...message })}\n`, () => { written = true; flushed?.(); });
    // A write the kernel refused (the supervisor died) destroys the socket at once.
    if (this.failure || this.socket.destroyed) return this.failure ?? new Error('the wflo supervisor has gone away');
    // Usually written at once; else the request waits until the kernel has the line. The write's
    // own callback says so ('drain' would not fire for a write that was merely queued behind others).
    if (this.socket.writableLength === 0 || written) return null;
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('close', done);
        resolve(this.failure ?? (this.socket.destroyed ? new Error('the wflo supervisor has gone away') : null));
      };
      flushed = done;
      this.socket.on('close', done);
    });
  }

  /** Reports a call's outcome. Fire-and-forget: the supervisor charges the reservation if this is lost. */
  settle(message: Omit<SettleMessage, 'type'>): void {
    if (!this.failure) this.report({ type: 'settle', ...message });
  }

  /** Tells the supervisor something the run should show. Fire-and-forget. */
  notice(message: Omit<NoticeMessage, 'type'>): void {
    if (!this.failure) this.report({ type: 'notice', ...message });
  }

  /** Reports a tool run or a call given up on. Fire-and-forget. */
  tell(message: ToolRunMessage | DeadLetterMessage): void {
    if (!this.failure) this.report(message);
  }

  /**
   * A report is written at once: a settle must be in the socket before the caller has the
   * response, so a script that dies right after a call (a crash a resume recovers from) loses
   * neither its exact cost nor its journal entry.
   */
  private report(message: object): void {
    this.write(message);
  }

  private write(message: object): void {
    this.socket.write(`${JSON.stringify(message)}\n`);
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    if (!chunk.includes('\n')) return;
    let newline = this.buffered.indexOf('\n');
    while (newline !== -1) {
      const message = parseSupervisorMessage(this.buffered.slice(0, newline));
      this.buffered = this.buffered.slice(newline + 1);
      if (message?.type === 'lease') this.lease.apply(message);
      else if (message?.type === 'recall') this.write({ type: 'returned', amount: this.lease.recall() });
      else if (message) this.answer(message.rid, message);
      newline = this.buffered.indexOf('\n');
    }
  }

  private answer(rid: number, answer: SupervisorMessage | Error): void {
    const resolve = this.pending.get(rid);
    if (!resolve) return;
    this.pending.delete(rid);
    if (this.pending.size === 0) this.socket.unref();
    resolve(answer);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const rid of [...this.pending.keys()]) this.answer(rid, this.failure);
  }
}
