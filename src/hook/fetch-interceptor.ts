import { createHash } from 'node:crypto';
import type { SupervisorConnection } from './connection.js';
import { detectTarget, isUnmeteredBillable, type Target } from './detect.js';
import { parseAnthropicRequest } from './providers/anthropic.js';
import { parseOpenAiRequest } from './providers/openai.js';
import { asObject, type LlmRequest } from './providers/types.js';
import { refusalResponse } from './refusal.js';
import { tapResponse } from './response-tap.js';

type Fetch = typeof globalThis.fetch;
type FetchInput = Parameters<Fetch>[0];

/** Errors that mean the request never reached the provider, so nothing can have been billed. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET_BEFORE_SEND', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(err: unknown): string | undefined {
  const cause = asObject(asObject(err)?.cause);
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** The request body as text, whatever form it came in (string, bytes, Blob, stream, Request); undefined when unreadable. */
async function bodyText(input: FetchInput, init: RequestInit | undefined): Promise<string | undefined> {
  const body = init?.body ?? (input instanceof Request ? await input.clone().text() : undefined);
  if (typeof body === 'string' || body === undefined || body === null) return body ?? undefined;
  try {
    return await new Response(body).text();
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

function outgoing(input: FetchInput, init: RequestInit | undefined, request: LlmRequest, original: string): [FetchInput, RequestInit | undefined] {
  // The body may have been a stream wflo has read: send the text it read.
  if (request.body === original && (init?.body === undefined || typeof init.body === 'string')) return [input, init];
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.delete('content-length');
  if (input instanceof Request) return [new Request(input, { body: request.body, headers }), init === undefined ? undefined : { ...init, body: request.body, headers }];
  return [input, { ...init, body: request.body, headers }];
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
 * Wraps fetch so every LLM call asks the supervisor first and reports its usage after.
 * Anything that is not an LLM call goes straight to the original fetch. With `journal`, the
 * response the caller received goes to the supervisor too, so a resumed run can replay it.
 */
export function meterFetch(original: Fetch, connection: SupervisorConnection, journal: boolean, budgeted: boolean): Fetch {
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
    const text = await bodyText(input, init);
    // A body wflo cannot read might still be billed: it is never sent unmetered.
    if (text === undefined) return refusalResponse(target.provider, 'unmetered', 'wflo cannot read this request\'s body, so it cannot meter it; the call was not sent');
    // A body that is not a JSON request with a model is refused by the provider itself, unbilled.
    const request = parseRequest(target, text);
    if (!request) return original(input, typeof init?.body === 'string' || init === undefined ? init : { ...init, body: text });

    const answer = await connection.request({
      type: 'reserve', provider: request.provider, endpoint: request.endpoint, model: request.model, stream: request.stream,
      inputTokensMax: request.inputTokensMax, outputTokensMax: request.outputTokensMax, choices: request.choices, unbounded: request.unbounded,
      requestKey: journal ? requestKey(request, text) : null,
    });
    if (answer instanceof Error) return refusalResponse(request.provider, 'unsupervised', `${answer.message}; the call was not sent`);
    if (answer.type === 'deny') return refusalResponse(request.provider, answer.code, answer.message);
    if (answer.type === 'replay') return replayed(answer);
    if (answer.type !== 'grant') return refusalResponse(request.provider, 'unsupervised', 'unexpected answer from the wflo supervisor; the call was not sent');

    const callId = answer.callId;
    const started = performance.now();
    const [sendInput, sendInit] = outgoing(input, init, request, text);
    let response: Response;
    try {
      response = await original(sendInput, sendInit);
    } catch (err) {
      const notSent = NOT_SENT.has(errorCode(err) ?? '');
      connection.settle({
        callId, outcome: notSent ? 'error' : 'incomplete', usage: null, httpStatus: 0,
        latencyMs: performance.now() - started, model: null, error: err instanceof Error ? err.message : String(err), journal: null,
      });
      throw err;
    }
    return await tapResponse(request, response, journal, (result) => {
      connection.settle({
        callId, outcome: result.outcome, usage: result.usage, httpStatus: response.status,
        latencyMs: performance.now() - started, model: result.model, error: result.error,
        journal: result.delivered ? { contentType: response.headers.get('content-type') ?? 'application/json', body: result.delivered.toString('base64') } : null,
      });
    });
  };
}
