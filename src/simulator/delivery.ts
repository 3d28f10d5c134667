/** Writing answers and errors to the socket, with the injected faults. */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FakeFault, FakeRequestInfo } from './server.js';
import { truncateFrame } from './sse.js';
import { newId, type Rendered } from './wire-common.js';

type Provider = FakeRequestInfo['provider'];

/** The per-server settings delivery needs. */
export interface Delivery {
  fault: FakeFault | undefined;
  chunkDelayMs: number;
  sleep(ms: number): Promise<void>;
}

const SSE_TYPE = 'text/event-stream; charset=utf-8';
const JSON_TYPE = 'application/json';

/** The client hung up, or close() tore the connection down. */
function gone(res: ServerResponse): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

function baseHeaders(provider: Provider, contentType: string): OutgoingHttpHeaders {
  const requestId = newId('req_');
  return provider === 'anthropic'
    ? { 'content-type': contentType, 'request-id': requestId }
    : { 'content-type': contentType, 'x-request-id': requestId, 'openai-processing-ms': '0' };
}

/** Write, then wait until the bytes reached the socket (or failed to). */
function flush(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => res.write(data, () => resolve()));
}

/**
 * Sends a rendered answer, applying the configured fault.
 * Resolves true when the call counts as answered (so it is billed), false when the client left first.
 */
export async function deliver(res: ServerResponse, provider: Provider, rendered: Rendered, d: Delivery): Promise<boolean> {
  if (gone(res)) return false;
  if (rendered.kind === 'json') {
    const body = rendered.body;
    const headers = baseHeaders(provider, JSON_TYPE);
    if (d.fault === 'malformed-json') {
      const cut = body.slice(0, body.length >> 1);
      res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(cut) }).end(cut);
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) });
    if (d.fault === 'broken-stream') {
      // Promise the whole body, send half, hang up: the client sees a truncated transfer.
      await flush(res, body.slice(0, body.length >> 1));
      res.destroy();
      return true;
    }
    res.end(body);
    return true;
  }

  const headers = { ...baseHeaders(provider, SSE_TYPE), 'cache-control': 'no-cache' };
  let frames = rendered.frames;
  if (d.fault === 'malformed-json') frames = [truncateFrame(frames[0] ?? '')];
  else if (d.fault === 'broken-stream') frames = frames.slice(0, 2);
  // A stream closed cleanly after the text, without its final usage (Anthropic's message_delta).
  else if (d.fault === 'no-final-usage') frames = frames.filter((frame) => !frame.includes('message_delta'));

  if (d.chunkDelayMs <= 0 && d.fault !== 'broken-stream') {
    // The hot path: one write, no per-chunk timers.
    const all = frames.join('');
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(all) }).end(all);
    return true;
  }
  res.writeHead(200, headers);
  for (let i = 0; i < frames.length; i++) {
    if (i > 0 && d.chunkDelayMs > 0) await d.sleep(d.chunkDelayMs);
    if (gone(res)) return false;
    await flush(res, frames[i] ?? '');
  }
  if (d.fault === 'broken-stream') {
    res.destroy();
    return true;
  }
  if (gone(res)) return false;
  res.end();
  return true;
}

/** Answers with an error in the provider's own JSON shape. Never billed. */
export function sendError(res: ServerResponse, provider: Provider, status: number, message: string, param?: string, retryAfter?: string): void {
  if (gone(res) || res.headersSent) return;
  const body = JSON.stringify(errorBody(provider, status, message, param));
  res.writeHead(status, {
    ...baseHeaders(provider, JSON_TYPE),
    'content-length': Buffer.byteLength(body),
    // The SDKs obey this, so a faulty simulator does not multiply a test's requests by retrying.
    'x-should-retry': 'false',
    ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
  });
  res.end(body);
}

function errorBody(provider: Provider, status: number, message: string, param: string | undefined): unknown {
  if (provider === 'anthropic') {
    const type = status === 404 ? 'not_found_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  }
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 404 ? 'unknown_url' : null;
  return { error: { message, type, param: param ?? null, code } };
}
