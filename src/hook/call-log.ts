import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { callLogPath } from '../protocol/messages.js';

/** A part is closed and the log goes on in a new one past this size: wflo removes parts it has read. */
const PART_BYTES = 8 * 1024 * 1024;

/** First in each part: whose log it is, for a later wflo that files a log its killed wflo left unread. */
function partLine(): string {
  return `{"type":"part","pid":${process.pid}}\n`;
}

/**
 * This process's call log: the messages that need no answer (a call's start and settle, reports)
 * appended to a file with one synchronous write each. A write to the page cache wakes no other
 * process (a socket write wakes wflo, which on 2 cores costs more than the call's own work), and
 * what is written survives this process being killed the next instant. wflo reads the log on its
 * own time, and before any socket message of this process (see `sync`).
 */
export class CallLog {
  /** Names the log's files; given to wflo in the hello. */
  readonly nonce = randomBytes(8).toString('hex');
  private fd: number | null = null;
  private part = 0;
  private written = 0;

  /**
   * @param base where the log's files go (callLogBase).
   * @param onOpened called once, when the log's first part is created (the hook then tells wflo).
   * @param partBytes size past which a new part is begun (@default 8 MiB).
   */
  constructor(private readonly base: string, private readonly onOpened: () => void, private readonly partBytes = PART_BYTES) {}

  /** Appends one message; false when the log cannot be written (the caller then fails closed). */
  append(message: object): boolean {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  /** Marks where the next socket message goes in the order of this process's messages. */
  sync(): boolean {
    return this.write('{"type":"sync"}\n');
  }

  private write(line: string): boolean {
    try {
      if (this.fd === null) this.open();
      else if (this.written >= this.partBytes) this.rotate();
      this.written += writeSync(this.fd!, line);
      return true;
    } catch {
      return false;
    }
  }

  private open(): void {
    this.fd = openSync(callLogPath(this.base, this.nonce, this.part), 'a', 0o600);
    this.written = writeSync(this.fd, partLine());
    if (this.part === 0) this.onOpened();
  }

  private rotate(): void {
    // The next part exists before the old one says so: wflo finds it when it reads `next`. If it
    // cannot be made, the log goes on in the old part (and the part number stays where wflo reads).
    const next = openSync(callLogPath(this.base, this.nonce, this.part + 1), 'a', 0o600);
    const head = writeSync(next, partLine());
    const old = this.fd!;
    writeSync(old, '{"type":"next"}\n');
    closeSync(old);
    this.fd = next;
    this.part++;
    this.written = head;
  }
}
