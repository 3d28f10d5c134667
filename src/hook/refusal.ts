import type { Provider } from '../protocol/messages.js';

/** Error codes wflo puts in a refused call's body; `wflo` scripts test for them. */
export type RefusalCode = 'budget_exceeded' | 'unknown_price' | 'unbounded_cost' | 'run_stopping' | 'unsupervised' | 'unmetered';

/**
 * The answer to a call wflo refused, shaped like the provider's own errors so every SDK and
 * framework surfaces it normally. `x-should-retry: false` stops the SDKs retrying it.
 */
export function refusalResponse(provider: Provider, code: RefusalCode, message: string): Response {
  const text = `wflo: ${message}`;
  const body = provider === 'anthropic'
    ? { type: 'error', error: { type: `wflo_${code}`, message: text } }
    : { error: { message: text, type: `wflo_${code}`, param: null, code: `wflo_${code}` } };
  return new Response(JSON.stringify(body), {
    status: code === 'unsupervised' ? 503 : 402,
    headers: { 'content-type': 'application/json', 'x-should-retry': 'false', 'x-wflo-refusal': code },
  });
}
