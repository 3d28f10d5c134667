import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { callLogPath, parseHookMessage, type HookMessage } from '../protocol/messages.js';

function removeFile(file: string): void {
  fs.rmSync(file, { force: true });
}

/** A sync mark as the hook writes it. */
const SYNC = '{"type":"sync"}';
/** How much of a log is read per system call. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Reads one hook's call log (see the hook's CallLog) from where it last stopped: whole lines
 * only (a line still being written waits for the next read), across its parts, removing each
 * part once read to its end. The messages come out in the order the hook wrote them, and
 * reading stops at a `sync` mark until the socket message it stands for has been handled.
 */
export class CallLogReader {
  private fd: number | null = null;
  private part = 0;
  private offset = 0;
  private pending = '';
  /** Keeps a character whose bytes a read split (a line still being written, or a read's end) for the next read. */
  private decoder = new StringDecoder('utf8');
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Complete lines read but not yet handed out (those after a sync mark that stopped a read). */
  private lines: string[] = [];
  private next = 0;
  private done = false;

  /**
   * @param onPartRead called with each part read to its end (and the last when the reader closes): by
   * default it is removed at once; wflo removes it once what was read from it is committed, so a
   * wflo killed before then leaves it for the next one to file (see call-log-recovery.ts).
   */
  constructor(private readonly base: string, readonly nonce: string, private readonly onPartRead: (file: string) => void = removeFile) {}

  /** Opens the log once the hook says it exists; false when it cannot be opened (then nothing is read). */
  open(): boolean {
    if (this.fd !== null || this.done) return this.fd !== null;
    try { this.fd = fs.openSync(callLogPath(this.base, this.nonce, this.part), 'r'); } catch { return false; }
    return true;
  }

  get opened(): boolean { return this.fd !== null; }

  /**
   * Hands each message written since the last read to `handle`, in order, and returns how many.
   * At a sync mark: `stop` before it (its socket message is not handled yet), `through` it and
   * stop (its socket message goes next), or `skip` it (the connection has closed: read to the end).
   */
  read(handle: (message: HookMessage) => void, syncs: 'stop' | 'through' | 'skip'): number {
    let handled = 0;
    for (;;) {
      if (this.next === this.lines.length && !this.fill()) return handled;
      while (this.next < this.lines.length) {
        const line = this.lines[this.next]!;
        if (line === SYNC && syncs !== 'skip') {
          if (syncs === 'through') this.next++;
          return handled;
        }
        this.next++;
        const message = parseHookMessage(line);
        if (!message || message.type === 'sync' || message.type === 'part') continue;
        if (message.type === 'next') { this.nextPart(); continue; }
        handle(message);
        handled++;
      }
    }
  }

  /** True when a read would hand out a message now (lines read and not handed out, or new ones in the file), short of a sync mark. */
  ready(): boolean {
    if (this.next === this.lines.length && !this.fill()) return false;
    return this.lines[this.next] !== SYNC;
  }

  /** Reads what the file has past the offset into whole lines; false when there was nothing new. */
  private fill(): boolean {
    if (this.fd === null) return false;
    this.lines = [];
    this.next = 0;
    let got = false;
    for (;;) {
      const n = fs.readSync(this.fd, this.chunk, 0, CHUNK_BYTES, this.offset);
      if (n === 0) break;
      this.offset += n;
      const text = this.pending + this.decoder.write(this.chunk.subarray(0, n));
      const last = text.lastIndexOf('\n');
      if (last === -1) { this.pending = text; continue; }
      this.pending = text.slice(last + 1);
      for (const line of text.slice(0, last).split('\n')) if (line !== '') this.lines.push(line);
      got = true;
      if (n < CHUNK_BYTES) break;
    }
    return got;
  }

  /** The hook went on in the next part: this one is complete. */
  private nextPart(): void {
    this.closeFile(true);
    this.part++;
    this.offset = 0;
    this.pending = '';
    this.decoder = new StringDecoder('utf8');
    this.open();
  }

  private closeFile(remove: boolean): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
    if (remove) this.onPartRead(callLogPath(this.base, this.nonce, this.part));
  }

  /** The connection is gone and the log read to its end: its file is removed (a partly written last line is dropped). */
  close(): void {
    this.closeFile(true);
    this.done = true;
  }
}
