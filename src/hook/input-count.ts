import type { LlmRequest } from './providers/types.js';
import { hasKnownEncoding, loadTokenBound } from './lazy-token-bound.js';

/** Whether wflo can count this request's input tokens exactly (cheap: no tokenizer is loaded). */
export function canCount(request: LlmRequest): boolean {
  return request.provider === 'openai' && hasKnownEncoding(request.model);
}

/**
 * An exact upper bound on the request's input tokens (BPE count plus framing and allowances),
 * or null when it cannot be counted. Loads the tokenizer on first use only: most runs never need it.
 */
export function countInput(request: LlmRequest): number | null {
  if (!canCount(request) || request.endpoint === 'messages') return null;
  try {
    return loadTokenBound()?.(request.endpoint, request.json) ?? null;
  } catch {
    return null;
  }
}
