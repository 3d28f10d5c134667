import { createHash } from 'node:crypto';
import type { SupervisorMessage } from '../protocol/messages.js';
import { DeferredAbort } from './deferred-abort.js';
import { bodyEncoding, decodeBody, encodeBody, type BodyEncoding } from './body-encoding.js';
import type { SupervisorConnection } from './connection.js';
import { detectTarget, isUnmeteredBillable, type Target } from './detect.js';
import { parseAnthropicRequest } from './providers/anthropic.js';
import { parseOpenAiRequest } from './providers/openai.js';
import { asObject, type LlmRequest } from './providers/types.js';
import { canCount, countInput } from './input-count.js';
import { refusalResponse } from './refusal.js';
import { tapResponse } from './response-tap.js';
import { SendTracker } from './send-tracker.js';

type Fetch = typeof globalThis.fetch;
type FetchInput = Parameters<Fetch>[0];

/** Errors that mean the request never reached the provider, so nothing can have been billed. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET_BEFORE_SEND', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(err: unknown): string | undefined {
  const cause = asObject(asObject(err)?.cause);
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * A request body as wflo read it: its text (decompressed), for a non-string body the exact bytes
 * and the content type it implied, and the content coding the caller declared.
 */
interface ReadBody { text: string; bytes: Uint8Array<ArrayBuffer> | null; contentType: string | null; encoding: BodyEncoding }

/** Reads the body whatever form it came in (string, bytes, Blob, stream, form, Request), compressed or not; undefined when unreadable. */
async function readBody(input: FetchInput, init: RequestInit | undefined): Promise<ReadBody | undefined> {
  const encoding = bodyEncoding(new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)));
  if (encoding === undefined) return undefined;
  const read = await readPlainBody(input, init);
  if (!read || encoding === null) return read;
  // The provider reads the decompressed body: that is what is metered; the caller's bytes are sent.
  const text = decodeBody(read.bytes ?? Buffer.from(read.text, 'utf8'), encoding);
  return text === undefined ? undefined : { ...read, text, encoding };
}

async function readPlainBody(input: FetchInput, init: RequestInit | undefined): Promise<ReadBody | undefined> {
  const body = init?.body ?? (input instanceof Request ? input.clone().body : undefined);
  if (typeof body === 'string') return { text: body, bytes: null, contentType: null, encoding: null };
  if (body === undefined || body === null) return { text: '', bytes: new Uint8Array(0), contentType: null, encoding: null };
  try {
    // A Response reads any body type and says what content type that body implies (Blob type, form encoding).
    const probe = new Response(body);
    const bytes = new Uint8Array(await probe.arrayBuffer());
    return { text: Buffer.from(bytes).toString('utf8'), bytes, contentType: probe.headers.get('content-type'), encoding: null };
  } catch {
    return undefined;
  }
}

function parseRequest(target: Target, text: string): LlmRequest | undefined {
  let body: Record<string, unknown> | undefined;
  try { body = asObject(JSON.parse(text)); } catch { return undefined; }
  if (!body || typeof body.model !== 'string') return undefined;
  return target.provider === 'anthropic' ? parseAnthropicRequest(text, body) : parseOpenAiRequest(target.endpoint as 'chat.completions', text, body);
}

/**
 * What to send: the caller's own request when wflo changed nothing and the body was a string;
 * otherwise the same bytes (or wflo's rewritten body), with the content type the original implied.
 */
function outgoing(input: FetchInput, init: RequestInit | undefined, read: ReadBody, sent: string): [FetchInput, RequestInit | undefined] {
  const changed = sent !== read.text;
  if (!changed && read.bytes === null) return [input, init];
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  if (changed) headers.delete('content-length');
  if (read.contentType && !headers.has('content-type')) headers.set('content-type', read.contentType);
  const body = !changed && read.bytes !== null ? read.bytes : changed && read.encoding ? encodeBody(sent, read.encoding) : sent;
  if (input instanceof Request) return [new Request(input, { ...init, body, headers }), undefined];
  return [input, { ...init, body, headers }];
}

/** Identity of a request for journal replay: the same provider, endpoint and body. */
function requestKey(request: LlmRequest, text: string): string {
  return createHash('sha256').update(`${request.provider}\n${request.endpoint}\n${text}`).digest('hex');
}

function replayed(answer: { httpStatus: number; contentType: string; body: string }): Response {
  return new Response(Buffer.from(answer.body, 'base64'), {
    status: answer.httpStatus, headers: { 'content-type': answer.contentType, 'x-wflo-replayed': 'true' },
  });
}

/**
 * Asks the supervisor for a call. When it answers `recount` (the cheap byte bound is what keeps
 * the call from fitting), asks once more with the exact token count.
 */
async function reserve(connection: SupervisorConnection, request: LlmRequest, key: string | null): Promise<SupervisorMessage | Error> {
  const ask = (inputTokensMax: number, counted: boolean): Promise<SupervisorMessage | Error> => connection.request({
    type: 'reserve', provider: request.provider, endpoint: request.endpoint, model: request.model, stream: request.stream,
    inputTokensMax, outputTokensMax: request.outputTokensMax, choices: request.choices, unbounded: request.unbounded,
    requestKey: key, refs: request.refs, counted, countable: !counted && canCount(request), fit: request.capped !== null,
    minOutputTokens: request.minOutputTokens,
  });
  const first = await ask(request.inputTokensMax, false);
  if (first instanceof Error || first.type !== 'recount') return first;
  const exact = countInput(request);
  // Never raise the bound: the exact count only ever tightens it.
  return ask(exact === null ? request.inputTokensMax : Math.min(exact, request.inputTokensMax), true);
}

/**
 * Wraps fetch so every LLM call asks the supervisor first and reports its usage after.
 * Anything that is not an LLM call goes straight to the original fetch. With `journal`, the
 * response the caller received goes to the supervisor too, so a resumed run can replay it.
 */
export function meterFetch(original: Fetch, connection: SupervisorConnection, journal: boolean, budgeted: boolean): Fetch {
  const sends = new SendTracker();
  return async function wfloFetch(input: FetchInput, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const target = detectTarget(url, method, init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!target) {
      if (budgeted && isUnmeteredBillable(url, method)) {
        return refusalResponse(url.includes('anthropic') ? 'anthropic' : 'openai', 'unmetered', `wflo cannot meter ${new URL(url).pathname} calls, so they are refused under a budget`);
      }
      return original(input, init);
    }
    const read = await readBody(input, init);
    // A body wflo cannot read might still be billed: it is never sent unmetered.
    if (read === undefined) return refusalResponse(target.provider, 'unmetered', 'wflo cannot read this request\'s body, so it cannot meter it; the call was not sent');
    const text = read.text;
    // A body that is not a JSON request with a model is refused by the provider itself, unbilled.
    const request = parseRequest(target, text);
    if (!request) return original(...outgoing(input, init, read, text));

    const answer = await reserve(connection, request, journal ? requestKey(request, text) : null);
    if (answer instanceof Error) return refusalResponse(request.provider, 'unsupervised', `${answer.message}; the call was not sent`);
    if (answer.type === 'deny') return refusalResponse(request.provider, answer.code, answer.message);
    if (answer.type === 'replay') return replayed(answer);
    if (answer.type !== 'grant') return refusalResponse(request.provider, 'unsupervised', 'unexpected answer from the wflo supervisor; the call was not sent');

    const callId = answer.callId;
    const started = performance.now();
    // A granted call the process never sends (it exits first) costs nothing: see SendTracker.
    sends.track(callId, () => connection.settle({
      callId, outcome: 'error', usage: null, httpStatus: 0, latencyMs: performance.now() - started, model: null,
      error: 'the process ended before the request was sent', journal: null, context: [],
    }));
    // A call fitted to the budget goes with a lower output limit; the journal keys it by the request as written.
    const body = answer.maxOutputTokens !== null && request.capped ? request.capped(answer.maxOutputTokens) : request.body;
    const [sendInput, marked] = sends.mark(callId, ...outgoing(input, init, read, body));
    // A caller's abort mid-stream (a `break`) must not lose usage that is already on its way.
    const abortion = new DeferredAbort(marked.signal ?? (sendInput instanceof Request ? sendInput.signal : undefined));
    const sendInit = abortion.signal ? { ...marked, signal: abortion.signal } : marked;
    let response: Response;
    try {
      response = await original(sendInput, sendInit);
    } catch (err) {
      const notSent = NOT_SENT.has(errorCode(err) ?? '') || sends.neverSent(callId);
      sends.release(callId);
      connection.settle({
        callId, outcome: notSent ? 'error' : 'incomplete', usage: null, httpStatus: 0,
        latencyMs: performance.now() - started, model: null, error: err instanceof Error ? err.message : String(err), journal: null, context: [],
      });
      throw err;
    }
    return await tapResponse(request, response, journal, (result) => {
      sends.release(callId);
      connection.settle({
        callId, outcome: result.outcome, usage: result.usage, httpStatus: response.status,
        latencyMs: performance.now() - started, model: result.model, error: result.error,
        journal: result.delivered ? { contentType: response.headers.get('content-type') ?? 'application/json', body: result.delivered.toString('base64') } : null,
        context: result.context ?? [],
      });
    }, abortion);
  };
}
