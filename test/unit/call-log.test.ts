import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CallLog } from '../../src/hook/call-log.js';
import { callLogPath, type HookMessage } from '../../src/protocol/messages.js';
import { CallLogReader } from '../../src/supervisor/call-log-reader.js';

// The hook's call log and wflo's reader of it, on real files: order, sync marks, partial lines, parts.

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true }); });

/** A log base as callLogBase makes it: a run's socket name in a private directory. */
function socketPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-log-'));
  dirs.push(dir);
  return path.join(dir, 'wflo-1-run.sock');
}

const notice = (message: string): object => ({ type: 'notice', kind: 'unmetered-http', message });
const texts = (messages: HookMessage[]): string[] => messages.map((m) => (m.type === 'notice' ? m.message : m.type));

describe('call log', () => {
  it('is created on the first write (telling wflo once), and read in order, whole lines only', () => {
    const socket = socketPath();
    let opened = 0;
    const log = new CallLog(socket, () => { opened++; });
    expect(fs.readdirSync(path.dirname(socket))).toEqual([]);
    expect(log.append(notice('a'))).toBe(true);
    expect(log.append(notice('b'))).toBe(true);
    expect(opened).toBe(1);
    const file = callLogPath(socket, log.nonce, 0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const reader = new CallLogReader(socket, log.nonce);
    expect(reader.open()).toBe(true);
    const seen: HookMessage[] = [];
    expect(reader.read((m) => seen.push(m), 'stop')).toBe(2);
    // A line still being written is left for the next read.
    fs.appendFileSync(file, '{"type":"notice","kind":"unmetered-http","mess');
    expect(reader.read((m) => seen.push(m), 'stop')).toBe(0);
    fs.appendFileSync(file, 'age":"c"}\n');
    expect(reader.read((m) => seen.push(m), 'stop')).toBe(1);
    expect(texts(seen)).toEqual(['a', 'b', 'c']);
  });

  it('stops at a sync mark until its socket message is handled: stop leaves it, through consumes it, skip reads past every one', () => {
    const socket = socketPath();
    const log = new CallLog(socket, () => {});
    log.append(notice('before 1'));
    log.sync();
    log.append(notice('after 1'));
    log.sync();
    log.append(notice('after 2'));
    const reader = new CallLogReader(socket, log.nonce);
    reader.open();
    const seen: HookMessage[] = [];
    const read = (syncs: 'stop' | 'through' | 'skip'): number => reader.read((m) => seen.push(m), syncs);
    expect(read('stop')).toBe(1);
    expect(read('stop')).toBe(0);
    expect(texts(seen)).toEqual(['before 1']);
    // Socket message 1 is handled now: what was logged before it first.
    expect(read('through')).toBe(0);
    expect(read('stop')).toBe(1);
    expect(texts(seen)).toEqual(['before 1', 'after 1']);
    // The connection closed: everything left, past the sync.
    expect(read('skip')).toBe(1);
    expect(texts(seen)).toEqual(['before 1', 'after 1', 'after 2']);
  });

  it('goes on in new parts past its size; each part is removed once read, the last when the reader closes', () => {
    const socket = socketPath();
    const log = new CallLog(socket, () => {}, 1000);
    const reader = new CallLogReader(socket, log.nonce);
    const seen: HookMessage[] = [];
    log.append(notice('0'));
    reader.open();
    const padding = 'x'.repeat(300);
    for (let i = 1; i <= 20; i++) log.append(notice(`${i} ${padding}`));
    expect(fs.readdirSync(path.dirname(socket)).length).toBeGreaterThan(5);
    reader.read((m) => seen.push(m), 'stop');
    expect(texts(seen).map((t) => t.split(' ')[0])).toEqual(Array.from({ length: 21 }, (_, i) => String(i)));
    // Only the part being written is left.
    const left = fs.readdirSync(path.dirname(socket));
    expect(left).toHaveLength(1);
    reader.close();
    expect(fs.readdirSync(path.dirname(socket))).toEqual([]);
  });

  it('a log that cannot be written says so (the hook then fails closed)', () => {
    const log = new CallLog(path.join(os.tmpdir(), 'no-such-dir-wflo', 'wflo-1-run.sock'), () => {});
    expect(log.append(notice('a'))).toBe(false);
    expect(log.sync()).toBe(false);
  });

  it('a character whose bytes a read splits (a line still being written) comes out whole', () => {
    const socket = socketPath();
    const log = new CallLog(socket, () => {});
    log.append(notice('first'));
    const reader = new CallLogReader(socket, log.nonce);
    reader.open();
    const seen: HookMessage[] = [];
    reader.read((m) => seen.push(m), 'stop');
    const line = Buffer.from(`${JSON.stringify(notice('café — 東京'))}\n`);
    const cut = line.indexOf(Buffer.from('é')) + 1;
    const file = callLogPath(socket, log.nonce, 0);
    fs.appendFileSync(file, line.subarray(0, cut));
    expect(reader.read((m) => seen.push(m), 'stop')).toBe(0);
    fs.appendFileSync(file, line.subarray(cut));
    expect(reader.read((m) => seen.push(m), 'stop')).toBe(1);
    expect(texts(seen)).toEqual(['first', 'café — 東京']);
  });
});
