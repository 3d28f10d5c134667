import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../store/process-alive.js';

/** Socket files are `wflo-<pid>-<run id>.sock`, and call logs that name plus `.<nonce>.<part>.log`: the pid says whose they are. */
const SOCKET = /^wflo-(\d+)-[\w-]+\.sock(\.[a-z0-9]+\.\d+\.log)?$/;

/** The name of the user's own directory under a base (one per user, so no one else's wflo shares it). */
function userDirName(): string {
  return `wflo-${process.getuid?.() ?? 'user'}`;
}

/** The user's own socket directory (0700: no other user can connect to a run's supervisor). */
function socketDir(base: string): string {
  const dir = path.join(base, userDirName());
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  // Made by someone else (or a link to elsewhere): another user could listen in place of wflo.
  if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) throw new Error(`${dir} is not a directory of this user's`);
  if ((stat.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
  return dir;
}

/**
 * A killed wflo's call logs are kept this long for the next wflo of its store to file (see
 * call-log-recovery.ts); after that they belong to no store anyone runs.
 */
const UNFILED_LOG_MS = 24 * 60 * 60 * 1000;

/** Removes the sockets a killed wflo left behind (its pid is gone), and its call logs once a day old. */
function sweepStale(dir: string): void {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const match = SOCKET.exec(name);
    if (!match || Number(match[1]) === process.pid || isProcessAlive(Number(match[1]))) continue;
    const file = path.join(dir, name);
    try {
      if (match[2] === undefined || now - fs.statSync(file).mtimeMs > UNFILED_LOG_MS) fs.rmSync(file, { force: true });
    } catch { /* gone already */ }
  }
}

/** The directories call logs may be in (tmpfs, and the socket directories for machines without one): none is made. */
export function callLogDirs(): string[] {
  const user = userDirName();
  return [...new Set([path.join(SHM, user), path.join(os.tmpdir(), user), path.join('/tmp', user)])];
}

/** tmpfs: a call log written there costs a copy to memory, never a disk write (nor the kernel throttling one). */
const SHM = '/dev/shm';

/**
 * Where this run's call logs go: the user's own 0700 directory on tmpfs (/dev/shm) when there is
 * one; undefined (beside the socket) otherwise.
 */
export function logDirFor(): string | undefined {
  try {
    if (!fs.statSync(SHM).isDirectory()) return undefined;
    return socketDir(SHM);
  } catch {
    return undefined;
  }
}

/**
 * Where this run's supervisor listens, in the user's socket directory. Unix socket paths are cut
 * at 107 bytes: under a long TMPDIR, /tmp.
 */
export function socketPathFor(runId: string): string {
  const name = `wflo-${process.pid}-${runId}.sock`;
  const base = Buffer.byteLength(path.join(os.tmpdir(), userDirName(), name)) <= 100 ? os.tmpdir() : '/tmp';
  return path.join(socketDir(base), name);
}

/**
 * Sweeps the directories of this run's socket and call logs of what dead wflo processes left.
 * Housekeeping, done once the script has started: a stat and a kill(pid, 0) per file left.
 */
export function sweepStaleFiles(socketPath: string, logDir: string | undefined): void {
  for (const dir of new Set([path.dirname(socketPath), logDir ?? path.dirname(socketPath)])) {
    try { sweepStale(dir); } catch { /* unreadable: the next run sweeps */ }
  }
}
