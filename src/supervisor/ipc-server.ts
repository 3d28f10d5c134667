import fs from 'node:fs';
import net from 'node:net';
import { PROTOCOL_VERSION, parseHookMessage, type HelloMessage, type HookRequest, type SettleMessage, type SupervisorMessage } from '../protocol/messages.js';

/** What the supervisor does with each hook message. Called on the one event loop, in order. */
export interface HookHandlers {
  hello(connection: number, message: HelloMessage): void;
  request(connection: number, pid: number, message: HookRequest): SupervisorMessage;
  settle(connection: number, message: SettleMessage): void;
  closed(connection: number): void;
  /** Runs the handling of one batch of messages (e.g. in one database transaction). */
  batch<T>(work: () => T): T;
}

/** Handles every complete line buffered for one connection; returns the replies to send. */
function handleLines(connection: number, socket: net.Socket, state: { pid: number; buffered: string }, handlers: HookHandlers): string {
  let replies = '';
  let newline = state.buffered.indexOf('\n');
  while (newline !== -1) {
    const message = parseHookMessage(state.buffered.slice(0, newline));
    state.buffered = state.buffered.slice(newline + 1);
    newline = state.buffered.indexOf('\n');
    if (!message) continue;
    if (message.type === 'hello') {
      if (message.v !== PROTOCOL_VERSION) { socket.destroy(); return ''; }
      state.pid = message.pid;
      handlers.hello(connection, message);
    } else if (message.type === 'settle') {
      handlers.settle(connection, message);
    } else {
      replies += `${JSON.stringify(handlers.request(connection, state.pid, message))}\n`;
    }
  }
  return replies;
}

/** Listens on a Unix socket for the hooks of a run's processes; JSON lines both ways. */
export class IpcServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextConnection = 1;
  private closed = false;
  private idle: (() => void) | undefined;

  private constructor(readonly socketPath: string, handlers: HookHandlers) {
    this.server = net.createServer((socket) => this.accept(socket, handlers));
  }

  static async listen(socketPath: string, handlers: HookHandlers): Promise<IpcServer> {
    fs.rmSync(socketPath, { force: true });
    const ipc = new IpcServer(socketPath, handlers);
    await new Promise<void>((resolve, reject) => {
      ipc.server.once('error', reject);
      ipc.server.listen(socketPath, () => resolve());
    });
    return ipc;
  }

  private accept(socket: net.Socket, handlers: HookHandlers): void {
    const connection = this.nextConnection++;
    this.sockets.add(socket);
    socket.setEncoding('utf8');
    const state = { pid: 0, buffered: '' };
    socket.on('data', (chunk: string) => {
      state.buffered += chunk;
      if (!state.buffered.includes('\n')) return;
      // Everything that arrived together is handled together: one commit for a burst of calls.
      const replies = handlers.batch(() => handleLines(connection, socket, state, handlers));
      if (replies) socket.write(replies);
    });
    socket.on('error', () => { /* a process that dies mid-write; 'close' follows */ });
    socket.on('close', () => {
      this.sockets.delete(socket);
      handlers.closed(connection);
      if (this.sockets.size === 0) this.idle?.();
    });
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
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.socketPath, { force: true });
  }
}
