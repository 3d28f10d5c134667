import { connect, type Socket } from 'node:net';
import {
  PROTOCOL_VERSION, parseSupervisorMessage,
  type DeadLetterMessage, type HookRequest, type NoticeMessage, type SettleMessage, type StartMessage, type SupervisorMessage, type ToolRunMessage,
} from '../protocol/messages.js';
import { CallLog } from './call-log.js';
import { Lease } from './lease.js';

/** True unless the OS says no such process: a pid we may not signal is alive. */
function supervisorAlive(pid: number): boolean {
  if (pid === 0) return true;
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

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
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextRid = 1;
  private buffered = '';
  private failure: Error | undefined;
  /** What the supervisor lent this process to grant calls itself. */
  readonly lease = new Lease();

  /** Where the messages that need no answer go. */
  private readonly log: CallLog;
  /** The supervisor's pid, from the socket's name (`wflo-<pid>-<run>.sock`); 0 when unknown. */
  private readonly supervisorPid: number;

  constructor(socketPath: string, logBase: string, private readonly onSupervisorLost: () => void) {
    this.supervisorPid = Number(/wflo-(\d+)-[^/]*\.sock$/.exec(socketPath)?.[1] ?? 0);
    this.log = new CallLog(logBase, () => { this.send({ type: 'log' }); });
    this.socket = connect(socketPath);
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
    this.socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', pid: process.pid, ppid: process.ppid, thread: threadId, log: this.log.nonce })}\n`);
  }

  /** Sends a request; resolves with the supervisor's answer, or an Error when it is unreachable. */
  request(message: RequestBody): Promise<SupervisorMessage | Error> {
    if (this.failure) return Promise.resolve(this.failure);
    const rid = this.nextRid++;
    return new Promise((resolve) => {
      this.pending.set(rid, resolve);
      if (this.pending.size === 1) this.socket.ref();
      if (!this.send({ ...message, rid })) this.answer(rid, this.failure!);
    });
  }

  /**
   * Tells the supervisor of a call granted from the lease, in the call log: the request may leave
   * once this returns null (the start is in the log, which survives this process dying next).
   * An Error when the supervisor is gone or the log cannot be written: the call must not be sent.
   */
  start(message: StartMessage): Error | null {
    if (this.failure) return this.failure;
    // The socket's close is seen a turn later: a supervisor that died just now is asked of the OS.
    if (!supervisorAlive(this.supervisorPid)) { this.fail(new Error('the wflo supervisor has gone away')); return this.failure!; }
    if (!this.log.append(message)) return new Error('cannot write the wflo call log');
    return null;
  }

  /**
   * Reports a call's outcome. Fire-and-forget: the supervisor charges the reservation if this is lost.
   * Messages come whole from the caller (a spread into a new object cost more than writing it).
   */
  settle(message: SettleMessage): void {
    if (!this.failure) this.report(message);
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
   * A report is in the call log at once: a settle must be written before the caller has the
   * response, so a script that dies right after a call (a crash a resume recovers from) loses
   * neither its exact cost nor its journal entry. A report the log cannot take is lost: the
   * supervisor then charges the call's reservation.
   */
  private report(message: object): void {
    this.log.append(message);
  }

  /** A socket message after the hello: its place among the logged ones is marked in the log first. */
  private send(message: object): boolean {
    if (!this.log.sync()) { this.fail(new Error('cannot write the wflo call log')); return false; }
    this.socket.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    if (!chunk.includes('\n')) return;
    let newline = this.buffered.indexOf('\n');
    while (newline !== -1) {
      const message = parseSupervisorMessage(this.buffered.slice(0, newline));
      this.buffered = this.buffered.slice(newline + 1);
      if (message?.type === 'lease') this.lease.apply(message);
      else if (message?.type === 'recall') this.send({ type: 'returned', amount: this.lease.recall() });
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
