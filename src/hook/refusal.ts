import type { DenyDetails, Provider } from '../protocol/messages.js';

/** Error codes wflo puts in a refused call's body; `wflo` scripts test for them. */
export type RefusalCode = 'budget_exceeded' | 'unknown_price' | 'unbounded_cost' | 'run_stopping' | 'unsupervised' | 'unmetered' | 'loop_detected' | 'circuit_open';

/** The status each refusal is answered with: what the SDKs map to a fitting error class. */
function statusOf(code: RefusalCode): number {
  if (code === 'unsupervised' || code === 'circuit_open') return 503;
  if (code === 'loop_detected') return 409;
  return 402;
}

/**
 * The answer to a call wflo refused, shaped like the provider's own errors so every SDK and
 * framework surfaces it normally. `x-should-retry: false` stops the SDKs retrying it. Details
 * (an agent's spend, a loop's pattern, a circuit's retry time) are in the error body and, for
 * the SDK's error classes to read whatever SDK threw, in `x-wflo-details`.
 */
export function refusalResponse(provider: Provider, code: RefusalCode, message: string, details: DenyDetails | null = null): Response {
  const text = `wflo: ${message}`;
  const extra = details ?? {};
  const body = provider === 'anthropic'
    ? { type: 'error', error: { type: `wflo_${code}`, message: text, ...extra } }
    : { error: { message: text, type: `wflo_${code}`, param: null, code: `wflo_${code}`, ...extra } };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-should-retry': 'false', 'x-wflo-refusal': code };
  if (details) headers['x-wflo-details'] = encodeURIComponent(JSON.stringify(details));
  return new Response(JSON.stringify(body), { status: statusOf(code), headers });
}

/** A call wflo gave up on after its retries: the provider's last failure, told not to be retried by the SDK. */
export function finalFailure(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('x-should-retry', 'false');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** A connection that kept failing: a 502 the SDK will not retry (its own retries would multiply wflo's attempts). */
export function unreachableResponse(provider: Provider, message: string): Response {
  const text = `wflo: ${message}`;
  const body = provider === 'anthropic'
    ? { type: 'error', error: { type: 'api_error', message: text } }
    : { error: { message: text, type: 'wflo_unreachable', param: null, code: 'wflo_unreachable' } };
  return new Response(JSON.stringify(body), { status: 502, headers: { 'content-type': 'application/json', 'x-should-retry': 'false' } });
}
