import type { ModelRates } from './rates.js';

/**
 * A call's output ceiling per answer: the request's own (max tokens over its `n` answers), else
 * the model's output limit; null when neither is known. The hook and the supervisor both price
 * a call from it, so they hold the same worst case.
 */
export function requestedOutput(request: { outputTokensMax: number | null; choices: number }, rates: ModelRates): number | null {
  if (request.outputTokensMax !== null) return Math.ceil(request.outputTokensMax / request.choices);
  return rates.outputLimit;
}
