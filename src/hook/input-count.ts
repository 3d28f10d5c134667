import type { LlmRequest } from './providers/types.js';
import { loadTokenBound } from './lazy-token-bound.js';

/** OpenAI models whose tokenizer is public (o200k_base, cl100k_base families). */
const PUBLIC_TOKENIZER = /^(?:gpt-4|gpt-5|gpt-3\.5|o\d|chatgpt-4o|text-embedding-3|text-embedding-ada-002|ft:gpt-)/;

/** Whether wflo can count this request's input tokens exactly (cheap: no tokenizer is loaded). */
export function canCount(request: LlmRequest): boolean {
  return request.provider === 'openai' && PUBLIC_TOKENIZER.test(request.model);
}

/**
 * An exact upper bound on the request's input tokens (BPE count plus framing and allowances),
 * or null when it cannot be counted. Loads the tokenizer on first use only: most runs never need it.
 */
export function countInput(request: LlmRequest): number | null {
  if (!canCount(request) || request.endpoint === 'messages') return null;
  const bound = loadTokenBound();
  if (!bound) return null;
  try {
    return bound(request.endpoint, request.json);
  } catch {
    return null;
  }
}
