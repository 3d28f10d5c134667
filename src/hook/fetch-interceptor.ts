import type { SupervisorMessage } from '../protocol/messages.js';
import { DeferredAbort } from './deferred-abort.js';
import { bodyEncoding, decodeBody, encodeBody, type BodyEncoding } from './body-encoding.js';
import type { SupervisorConnection } from './connection.js';
import { detectTarget, headerOf, headerValue, isUnmeteredBillable, type Target } from './detect.js';
import { parseAnthropicRequest } from './providers/anthropic.js';
import { parseOpenAiRequest } from './providers/openai.js';
import { asObject, type LlmRequest } from './providers/types.js';
import { DEFAULT_RETRY, RetryPolicy, isTransient, type AttemptOutcome, type RetryOptions } from '../guards/retry-policy.js';
import { isTransientStatus } from '../guards/failures.js';
import { currentAgent } from './attribution.js';
import { canCount, countInput } from './input-count.js';
import { finalFailure, refusalResponse, unreachableResponse } from './refusal.js';
import { requestFingerprint, requestKey } from './request-identity.js';
import { requestSummary } from './request-summary.js';
import { pause } from './retry-settings.js';
import { tapResponse } from './response-tap.js';
import { MARK, SendTracker } from './send-tracker.js';

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

/**
 * Reads the body whatever form it came in (string, bytes, Blob, stream, form, Request), compressed
 * or not; undefined when unreadable. A plain string body, as the SDKs send, is read at once: no await.
 */
function readBody(input: FetchInput, init: RequestInit | undefined): ReadBody | undefined | Promise<ReadBody | undefined> {
  const encoding = bodyEncoding(headerValue(init?.headers ?? (input instanceof Request ? input.headers : undefined), 'content-encoding'));
  if (encoding === undefined) return undefined;
  if (encoding === null && typeof init?.body === 'string') return { text: init.body, bytes: null, contentType: null, encoding: null };
  return readAnyBody(input, init, encoding);
}

async function readAnyBody(input: FetchInput, init: RequestInit | undefined, encoding: BodyEncoding): Promise<ReadBody | undefined> {
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

function replayed(answer: { httpStatus: number; contentType: string; body: string }): Response {
  return new Response(Buffer.from(answer.body, 'base64'), {
    status: answer.httpStatus, headers: { 'content-type': answer.contentType, 'x-wflo-replayed': 'true' },
  });
}

/** How the hook identifies one attempt of a call to the supervisor. */
interface AttemptOf { agent: string | null; fingerprint: string; retryOf: number | null; tryNumber: number }

/**
 * Asks the supervisor for a call. When it answers `recount` (the cheap byte bound is what keeps
 * the call from fitting), asks once more with the exact token count.
 */
async function reserve(connection: SupervisorConnection, request: LlmRequest, key: string | null, attempt: AttemptOf): Promise<SupervisorMessage | Error> {
  const ask = (inputTokensMax: number, counted: boolean): Promise<SupervisorMessage | Error> => connection.request({
    type: 'reserve', provider: request.provider, endpoint: request.endpoint, model: request.model, stream: request.stream,
    inputTokensMax, outputTokensMax: request.outputTokensMax, choices: request.choices, unbounded: request.unbounded,
    requestKey: key, refs: request.refs, counted, countable: !counted && canCount(request), fit: request.capped !== null,
    minOutputTokens: request.minOutputTokens, ...attempt,
  });
  const first = await ask(request.inputTokensMax, false);
  if (first instanceof Error || first.type !== 'recount') return first;
  const exact = countInput(request);
  // Never raise the bound: the exact count only ever tightens it.
  return ask(exact === null ? request.inputTokensMax : Math.min(exact, request.inputTokensMax), true);
}

/** Leave to send an attempt (its call id: the supervisor's, or -lid from the lease), or the caller's response instead. */
type Granted = { kind: 'grant'; callId: number; maxOutputTokens: number | null } | { kind: 'answer'; response: Response };

/** What one attempt ended with: a response for the caller, or an error thrown by fetch; and whether it may be retried. */
type Attempted =
  | { kind: 'answer'; response: Response }
  | { kind: 'failed-response'; response: Response; callId: number }
  | { kind: 'thrown'; error: unknown; errorCode: string | null; callId: number };

/**
 * Wraps fetch so every LLM call asks the supervisor first and reports its usage after.
 * Anything that is not an LLM call goes straight to the original fetch. With `journal`, the
 * response the caller received goes to the supervisor too, so a resumed run can replay it.
 * Transient failures (408, 429, 5xx, a broken connection) are retried by wflo under `retry`:
 * each attempt is reserved and recorded; the SDK is told not to retry what wflo gave up on.
 */
export function meterFetch(original: Fetch, connection: SupervisorConnection, journal: boolean, budgeted: boolean, retry: RetryOptions = DEFAULT_RETRY, guards = true): Fetch {
  const sends = new SendTracker();
  const policy = new RetryPolicy(Math.random, retry);

  /**
   * The supervisor's answer, unless the caller aborts first (a call may wait for budget): then
   * fetch rejects as it would, and a grant that comes later is handed back unsent, at no cost.
   */
  async function answerOrAbort(asked: Promise<SupervisorMessage | Error>, signal: AbortSignal | null | undefined): Promise<SupervisorMessage | Error> {
    if (!signal) return asked;
    if (signal.aborted) throw signal.reason;
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => { onAbort = () => reject(signal.reason); signal.addEventListener('abort', onAbort, { once: true }); });
    try {
      return await Promise.race([asked, aborted]);
    } catch (err) {
      void asked.then((late) => {
        if (late instanceof Error || late.type !== 'grant') return;
        connection.settle({ type: 'settle', callId: late.callId, outcome: 'error', usage: null, httpStatus: 0, latencyMs: 0, model: null,
          error: 'the caller aborted the call before it was sent', journal: null, context: [], errorCode: null, toolCalls: [] });
      });
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Leave to send one attempt: from the lease when it fits (the supervisor is told, not asked),
   * else from the supervisor's answer; or the response to give the caller instead.
   */
  async function grantOf(request: LlmRequest, key: string | null, of: AttemptOf, signal: AbortSignal | null | undefined): Promise<Granted> {
    const local = connection.lease.take(request, of.agent, of.fingerprint);
    if (local) {
      const lid = connection.lease.lid();
      const started = connection.start({
        type: 'start', lid, held: local.held, sentLimit: local.sentLimit, provider: request.provider, endpoint: request.endpoint, model: request.model,
        stream: request.stream, inputTokensMax: request.inputTokensMax, outputTokensMax: request.outputTokensMax, choices: request.choices,
        unbounded: null, refs: [], requestKey: key, fit: request.capped !== null, minOutputTokens: request.minOutputTokens,
        agent: of.agent, fingerprint: of.fingerprint, retryOf: of.retryOf, tryNumber: of.tryNumber,
      });
      if (started) return { kind: 'answer', response: refusalResponse(request.provider, 'unsupervised', `${started.message}; the call was not sent`) };
      return { kind: 'grant', callId: -lid, maxOutputTokens: local.sentLimit };
    }
    const answer = await answerOrAbort(reserve(connection, request, key, of), signal);
    if (answer instanceof Error) return { kind: 'answer', response: refusalResponse(request.provider, 'unsupervised', `${answer.message}; the call was not sent`) };
    if (answer.type === 'deny') return { kind: 'answer', response: refusalResponse(request.provider, answer.code, answer.message, answer.details) };
    if (answer.type === 'replay') return { kind: 'answer', response: replayed(answer) };
    if (answer.type !== 'grant') return { kind: 'answer', response: refusalResponse(request.provider, 'unsupervised', 'unexpected answer from the wflo supervisor; the call was not sent') };
    return { kind: 'grant', callId: answer.callId, maxOutputTokens: answer.maxOutputTokens };
  }

  /** One attempt: reserve, send, tap. */
  async function attempt(input: FetchInput, init: RequestInit | undefined, read: ReadBody, request: LlmRequest, key: string | null, of: AttemptOf,
    signal: AbortSignal | null | undefined): Promise<Attempted> {
    const granted = await grantOf(request, key, of, signal);
    if (granted.kind === 'answer') return granted;
    const { callId, maxOutputTokens } = granted;
    const started = performance.now();
    // A granted call the process never sends (it exits first) costs nothing: see SendTracker.
    sends.track(callId, () => connection.settle({
      type: 'settle', callId, outcome: 'error', usage: null, httpStatus: 0, latencyMs: performance.now() - started, model: null,
      error: 'the process ended before the request was sent', journal: null, context: [], errorCode: null, toolCalls: [],
    }));
    // A call fitted to the budget goes with a lower output limit; the journal keys it by the request as written.
    const body = maxOutputTokens !== null && request.capped ? request.capped(maxOutputTokens) : request.body;
    const [sendInput, marked] = sends.mark(callId, ...outgoing(input, init, read, body));
    // A caller's abort mid-stream (a `break`) must not lose usage that is already on its way.
    const abortion = new DeferredAbort(marked.signal ?? (sendInput instanceof Request ? sendInput.signal : undefined));
    const sendInit = abortion.signal ? { ...marked, signal: abortion.signal } : marked;
    let response: Response;
    try {
      response = await original(sendInput, sendInit);
    } catch (err) {
      const code = errorCode(err) ?? null;
      const notSent = NOT_SENT.has(code ?? '') || sends.neverSent(callId);
      sends.release(callId);
      connection.settle({
        type: 'settle', callId, outcome: notSent ? 'error' : 'incomplete', usage: null, httpStatus: 0, latencyMs: performance.now() - started, model: null,
        error: err instanceof Error ? err.message : String(err), journal: null, context: [], errorCode: code, toolCalls: [],
      });
      return { kind: 'thrown', error: err, errorCode: code, callId };
    }
    const tapped = await tapResponse(request, response, journal, (result) => {
      sends.release(callId);
      if (guards && result.toolCalls) connection.lease.answered(of.agent, result.toolCalls);
      connection.settle({
        type: 'settle', callId, outcome: result.outcome, usage: result.usage, httpStatus: response.status,
        latencyMs: performance.now() - started, model: result.model, error: result.error,
        journal: result.delivered ? { contentType: response.headers.get('content-type') ?? 'application/json', body: result.delivered.toString('base64') } : null,
        context: result.context ?? [], errorCode: null, toolCalls: result.toolCalls ?? [],
      });
    }, abortion);
    return isTransientStatus(response.status) ? { kind: 'failed-response', response: tapped, callId } : { kind: 'answer', response: tapped };
  }

  return async function wfloFetch(input: FetchInput, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const headers = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    // Already metered by an outer wflo fetch (a script's own fetch wrapped around ours): send as is.
    if (headerOf(headers, MARK)) return original(input, init);
    const target = detectTarget(url, method, headers);
    if (!target) {
      if (budgeted && isUnmeteredBillable(url, method)) {
        return refusalResponse(url.includes('anthropic') ? 'anthropic' : 'openai', 'unmetered', `wflo cannot meter ${new URL(url).pathname} calls, so they are refused under a budget`);
      }
      return original(input, init);
    }
    // Read before anything is awaited: the caller's context is the agent's.
    const agent = currentAgent();
    const reading = readBody(input, init);
    const read = reading instanceof Promise ? await reading : reading;
    // A body wflo cannot read might still be billed: it is never sent unmetered.
    if (read === undefined) return refusalResponse(target.provider, 'unmetered', 'wflo cannot read this request\'s body, so it cannot meter it; the call was not sent');
    const text = read.text;
    // A body that is not a JSON request with a model is refused by the provider itself, unbilled.
    const request = parseRequest(target, text);
    if (!request) return original(...outgoing(input, init, read, text));

    const key = journal ? requestKey(request, text) : null;
    const fingerprint = guards ? requestFingerprint(request, text, key) : '';
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    let first: number | null = null;
    let last: number | null = null;
    for (let tryNumber = 1; ; tryNumber++) {
      const outcome = await attempt(input, init, read, request, key, { agent, fingerprint, retryOf: first, tryNumber }, signal);
      if (outcome.kind === 'answer') {
        if (outcome.response.status < 400) connection.lease.recovered();
        // A retry refused (an open circuit, the budget) ends the call: the failures before it are its story.
        const refusal = outcome.response.headers.get('x-wflo-refusal');
        if (first !== null && last !== null && refusal !== null) giveUp(first, tryNumber - 1, last, `attempt ${tryNumber} refused by wflo (${refusal})`, request);
        return outcome.response;
      }
      first ??= outcome.callId;
      last = outcome.callId;
      // Circuits count this failure: ask the supervisor for the next calls until it has seen it.
      if (guards) connection.lease.stumble();
      const failed: AttemptOutcome = outcome.kind === 'thrown'
        ? { httpStatus: null, errorCode: outcome.errorCode, retryAfter: null, retryAfterMs: null }
        : { httpStatus: outcome.response.status, errorCode: null, retryAfter: outcome.response.headers.get('retry-after'), retryAfterMs: outcome.response.headers.get('retry-after-ms') };
      // The caller gave up (its timeout, its abort): not wflo's to retry.
      const decision = signal?.aborted ? null : policy.decide(tryNumber, failed, Date.now());
      if (decision?.retry) {
        if (outcome.kind === 'failed-response') await outcome.response.body?.cancel().catch(() => {});
        await pause(decision.delayMs, signal);
        continue;
      }
      if (decision === null || !isTransient(failed)) {
        if (outcome.kind === 'thrown') throw outcome.error;
        return outcome.response;
      }
      giveUp(first, tryNumber, outcome.callId, decision.reason, request, failed.httpStatus, outcome.kind === 'thrown' ? errorText(outcome.error) : `HTTP ${failed.httpStatus ?? 0}`);
      return outcome.kind === 'thrown'
        ? unreachableResponse(request.provider, `${errorText(outcome.error)} (${decision.reason})`)
        : finalFailure(outcome.response);
    }
  };

  /** Puts a call wflo gave up on in the run's dead-letter list. */
  function giveUp(firstCallId: number, attempts: number, lastCallId: number | null, reason: string, request: LlmRequest, httpStatus: number | null = null, error = reason): void {
    connection.tell({
      type: 'dead-letter', firstCallId, lastCallId: lastCallId ?? firstCallId, attempts, httpStatus,
      error: error === reason ? reason : `${error}: ${reason}`, summary: requestSummary(request.json),
    });
  }
}

function errorText(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${message} (${code})` : message;
}
