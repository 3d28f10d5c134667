import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { resolveDbPath } from '../config/run-options.js';
import { loadConfig } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import { openReadOnlyStore } from '../store/open-readonly.js';
import { startUiServer, type UiServer } from '../ui-server/server.js';
import { webRoot } from '../ui-server/static-files.js';
import type { CliContext } from './context.js';

export interface UiFlags { port?: string; host?: string; db?: string; open?: boolean }

/** @default 4848 */
export const DEFAULT_UI_PORT = 4848;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** A path as a POSIX shell reads it back: bare when it has nothing the shell would touch, else single-quoted. */
function shellQuoted(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_UI_PORT;
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535 (0: any free port), got "${raw}"`);
  return port;
}

/** The version in wflo's package.json (two levels above dist/app or dist/cli). */
function packageVersion(): string {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Opens the URL in a browser when the desktop has a way to; a machine without xdg-open just has the printed URL. */
function openBrowser(url: string): void {
  try {
    const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
    child.on('error', () => { /* no xdg-open: the URL is printed */ });
    child.unref();
  } catch { /* the same */ }
}

function listenError(err: unknown, host: string, port: number): unknown {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (code === 'EADDRINUSE') return new UsageError(`port ${port} on ${host} is in use (pass --port <n>, or --port 0 for any free port)`, 'WFLO_UI_PORT', { cause: err });
  if (code === 'EACCES') return new UsageError(`not allowed to listen on ${host}:${port} (pick a port above 1023)`, 'WFLO_UI_PORT', { cause: err });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new UsageError(`cannot listen on ${host}: no such address on this machine`, 'WFLO_UI_HOST', { cause: err });
  return err;
}

/**
 * `wflo ui`: a local dashboard and read-only JSON API over the store, until SIGINT or SIGTERM.
 * Binds 127.0.0.1 unless --host says otherwise (with a warning: the store holds prompts and states).
 */
export async function uiCommand(flags: UiFlags, ctx: CliContext): Promise<number> {
  const port = parsePort(flags.port);
  const host = flags.host ?? '127.0.0.1';
  const loopback = LOOPBACK.has(host);
  const file = resolveDbPath(ctx.cwd, ctx.env, flags.db, loadConfig(ctx.cwd).config.db);
  const db = openReadOnlyStore(file);
  let server: UiServer;
  try {
    server = await startUiServer({
      host: host.replace(/^\[(.*)\]$/, '$1'), port, webRoot: webRoot(), allowedHosts: loopback ? [] : null,
      // The commands the pages offer to copy name the store when it is not the one found by default.
      api: { db, dbPath: file, dbArg: flags.db === undefined ? '' : `--db ${shellQuoted(file)}`, version: packageVersion(), now: ctx.clock },
    });
  } catch (err) {
    db.close();
    throw listenError(err, host, port);
  }
  // Listening for the stop before the URL is out: whoever reads the URL may stop it at once.
  const stopped = new Promise<void>((resolve) => {
    const off = ctx.onSignal(() => { off(); resolve(); });
  });
  if (!loopback) ctx.stderr.write(`wflo ui: warning: listening on ${host}, not only this machine: anyone who can reach it can read every run, call and checkpoint state in ${file}\n`);
  ctx.stdout.write(`wflo ui: ${server.url}  (store ${file}; read-only; Ctrl-C stops)\n`);
  if (flags.open) openBrowser(server.url);
  await stopped;
  await server.close();
  db.close();
  return 0;
}
