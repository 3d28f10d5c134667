/**
 * A local fake LLM provider: the OpenAI and Anthropic wire formats over loopback HTTP,
 * for `wflo run --simulate` and for tests that point the real SDKs at it and check what it billed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { draftMessages } from './anthropic-wire.js';
import { draftResponses } from './openai-responses-wire.js';
import { draftChat, draftEmbeddings } from './openai-wire.js';
import { deliver, sendError, type Delivery } from './delivery.js';
import { resolveUsage } from './usage.js';
import { isRecord, type Drafter } from './wire-common.js';

/** Token usage the fake provider bills for one call. inputTokens is the TOTAL input, including cachedTokens and cacheWriteTokens. outputTokens includes reasoningTokens. */
export interface FakeUsage { inputTokens: number; outputTokens: number; cachedTokens: number; cacheWriteTokens: number; reasoningTokens: number; }
/** A failure injected into every response. */
export type FakeFault = 'malformed-json' | 'broken-stream' | 'status-500' | 'no-final-usage';
/** A parsed request, as handed to a `usage` function. */
export interface FakeRequestInfo { provider: 'openai' | 'anthropic'; endpoint: 'chat.completions' | 'responses' | 'embeddings' | 'messages'; model: string; stream: boolean; maxOutputTokens: number | undefined; body: Record<string, unknown>; }
/** One call the fake provider answered and billed. */
export interface BilledCall { provider: 'openai' | 'anthropic'; endpoint: FakeRequestInfo['endpoint']; model: string; stream: boolean; usage: FakeUsage; }
/** How the fake provider behaves. */
export interface FakeProviderOptions {
  /** Fixed usage for every call, or a function of the request. Default: deterministic usage from the request (see below). Partial: missing fields are 0 (input/output fall back to the default computation if missing). */
  usage?: Partial<FakeUsage> | ((req: FakeRequestInfo) => Partial<FakeUsage>);
  /** Delay before answering, ms, or a function of the request's number (counting from 1). @default 0 */
  latencyMs?: number | ((seq: number) => number);
  /** Delay between stream chunks, ms. @default 0 */
  chunkDelayMs?: number;
  /** Inject a failure into every response. */
  fault?: FakeFault;
  /** Answer a request with this error status instead (the nth LLM request received, counting from 1), or undefined to answer it. */
  failWith?: (seq: number, body: Record<string, unknown>) => { status: number; retryAfter?: string } | undefined;
  /** @default '127.0.0.1' */ host?: string;
  /** @default 0 (any free port) */ port?: number;
}
/** A running fake provider. */
export interface FakeProvider {
  /** e.g. http://127.0.0.1:PORT */ url: string;
  /** what to put in OPENAI_BASE_URL: `${url}/v1` */ openaiBaseUrl: string;
  /** what to put in ANTHROPIC_BASE_URL: `url` (the Anthropic SDK appends /v1/messages) */ anthropicBaseUrl: string;
  /** every call the provider answered successfully (or partly, for broken-stream: it bills what it sent), in arrival order */
  billed: BilledCall[];
  /** count of HTTP requests received on LLM endpoints, billed or not */
  requestCount(): number;
  close(): Promise<void>;
}

interface Route {
  provider: FakeRequestInfo['provider'];
  endpoint: FakeRequestInfo['endpoint'];
  draft: Drafter;
}

const ROUTES = new Map<string, Route>([
  ['/v1/chat/completions', { provider: 'openai', endpoint: 'chat.completions', draft: draftChat }],
  ['/v1/responses', { provider: 'openai', endpoint: 'responses', draft: draftResponses }],
  ['/v1/embeddings', { provider: 'openai', endpoint: 'embeddings', draft: draftEmbeddings }],
  ['/v1/messages', { provider: 'anthropic', endpoint: 'messages', draft: draftMessages }],
]);

/** Starts the fake provider on loopback; resolves once it is listening. */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const host = options.host ?? '127.0.0.1';
  const billed: BilledCall[] = [];
  const billedSeq: number[] = [];
  let received = 0;
  let closed = false;
  const sleepers = new Set<() => void>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const delivery: Delivery = { fault: options.fault, chunkDelayMs: options.chunkDelayMs ?? 0, sleep };

  // Slower answers may finish later; insert by arrival so `billed` stays in arrival order.
  const record = (seq: number, call: BilledCall): void => {
    let at = billed.length;
    while (at > 0 && (billedSeq[at - 1] ?? 0) > seq) at--;
    billed.splice(at, 0, call);
    billedSeq.splice(at, 0, seq);
  };

  const answer = async (route: Route, seq: number, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const { provider, endpoint } = route;
    const latency = typeof options.latencyMs === 'function' ? options.latencyMs(seq) : options.latencyMs ?? 0;
    if (latency > 0) await sleep(latency);
    if (req.method !== 'POST') return sendError(res, provider, 405, `Method ${req.method ?? '?'} not allowed; use POST.`);
    const body = parseJson(raw);
    if (!isRecord(body)) return sendError(res, provider, 400, 'We could not parse the JSON body of your request.');
    const failure = options.failWith?.(seq, body);
    if (failure) return sendError(res, provider, failure.status, `Simulated failure ${failure.status}.`, undefined, failure.retryAfter);
    if (options.fault === 'status-500') {
      return sendError(res, provider, 500, 'The simulated provider had an error while processing your request.');
    }
    const draft = route.draft(body);
    if ('bad' in draft) return sendError(res, provider, 400, draft.bad, draft.param);
    const { model, stream, maxOutputTokens } = draft;
    const usage = resolveUsage(options.usage, { provider, endpoint, model, stream, maxOutputTokens, body }, draft);
    const sent = await deliver(res, provider, draft.render(usage), delivery);
    if (sent) record(seq, { provider, endpoint, model, stream, usage });
  };

  const server = createServer({ noDelay: true }, (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = ROUTES.get(path);
    if (!route) {
      const provider = req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
      sendError(res, provider, 404, `Unknown request URL: ${req.method ?? '?'} ${path}.`);
      return;
    }
    received += 1;
    const seq = received;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const raw = decoded(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks), req.headers['content-encoding']);
      answer(route, seq, req, res, raw).catch((err: unknown) => {
        // A bug or a throwing `usage` option: answer like a provider outage, never crash the host.
        if (res.headersSent) res.destroy();
        else sendError(res, route.provider, 500, `Simulator failure: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
  });
  // Longer than the SDKs' idle timeout, so pooled sockets are not closed under them.
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    billed,
    requestCount: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        server.close(() => resolve());
        server.closeAllConnections();
        // Release answers parked in a delay; they find their sockets gone and stop.
        for (const wake of [...sleepers]) wake();
      }),
  };
}

/** A compressed request body, as a server that accepts content-encoding reads it (undecodable: left as is, so it fails to parse). */
function decoded(raw: Buffer, encoding: string | undefined): Buffer {
  try {
    if (encoding === 'gzip') return gunzipSync(raw);
    if (encoding === 'deflate') return inflateSync(raw);
    if (encoding === 'br') return brotliDecompressSync(raw);
  } catch { /* answered as malformed JSON */ }
  return raw;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
