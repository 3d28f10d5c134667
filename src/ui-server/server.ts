import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiContext } from './api-context.js';
import { HttpError } from './http-error.js';
import { openApiDocument } from './openapi.js';
import { matchRoute } from './router.js';
import { ChangeFeed } from './sse.js';
import { serveStatic } from './static-files.js';

/** How to serve: where, from which store, and the built pages. */
export interface UiServerOptions {
  host: string;
  port: number;
  api: ApiContext;
  /** The built dashboard (dist/ui-web). */
  webRoot: string;
  /**
   * Host headers accepted besides loopback names: a page on another site that rebinds its name
   * to 127.0.0.1 must not read the store, so a request naming another host is refused.
   * Null accepts any (an explicit --host that is not loopback).
   */
  allowedHosts: readonly string[] | null;
}

/** A listening dashboard server. */
export interface UiServer { url: string; port: number; close(): Promise<void> }

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
} as const;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, head = false): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(head ? undefined : text);
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The Host header without its port, or null when there is none. */
function hostName(req: IncomingMessage): string | null {
  const host = req.headers.host;
  if (host === undefined) return null;
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? host;
}

function handle(req: IncomingMessage, res: ServerResponse, o: UiServerOptions, feed: ChangeFeed): void {
  const url = new URL(req.url ?? '/', 'http://wflo.invalid');
  const method = req.method ?? 'GET';
  const head = method === 'HEAD';
  const host = hostName(req);
  if (o.allowedHosts !== null && (host === null || ![...LOOPBACK_HOSTS, ...o.allowedHosts].includes(host))) {
    sendJson(res, 421, { error: `requests must name this server by a loopback address, not "${host ?? ''}"` });
    return;
  }
  const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
  if (method !== 'GET' && !head) {
    // Nothing here writes: every other method is refused, on pages and API alike.
    sendJson(res, 405, { error: `${method} is not allowed: the wflo ui API is read-only` }, { allow: 'GET, HEAD' });
    return;
  }
  if (!isApi) { serveStatic(o.webRoot, url.pathname, res, head); return; }
  const match = matchRoute(url.pathname);
  if (!match) { sendJson(res, 404, { error: `no API route ${url.pathname} (see /api/openapi.json)` }, {}, head); return; }
  const { target } = match.route;
  if (target.kind === 'events') { feed.subscribe(res); return; }
  if (target.kind === 'openapi') { sendJson(res, 200, openApiDocument(o.api.version), {}, head); return; }
  try {
    const result = target.handler({ params: match.params, query: url.searchParams }, o.api);
    sendJson(res, 200, result.body, result.headers, head);
  } catch (err) {
    if (err instanceof HttpError) { sendJson(res, err.status, { error: err.message }, err.headers, head); return; }
    // A store that fails under a request (locked past the busy timeout, damaged) is said, not crashed on.
    const message = err instanceof Error ? err.message : String(err);
    sendJson(res, 500, { error: `cannot read the store: ${message}` }, {}, head);
  }
}

/** Starts the dashboard server; resolves once it listens, rejects with the listen error (EADDRINUSE, EACCES…). */
export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const feed = new ChangeFeed(o.api.db);
  const server: Server = createServer((req, res) => handle(req, res, o, feed));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () => new Promise<void>((resolve) => {
      feed.close();
      server.close(() => resolve());
      // Open event streams and idle keep-alive sockets would hold close() forever.
      server.closeAllConnections();
    }),
  };
}
