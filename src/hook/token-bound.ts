/**
 * The exact input bound, bundled on its own as dist/token-bound.cjs (gpt-tokenizer inside): the
 * preload never imports this file, it is required on first use (lazy-token-bound.ts).
 */
import { tallyOpenAiInput, type CountTokens, type OpenAiCountable } from './token-tally.js';
import { encodingOf, type Encoding } from './token-encoding.js';

export type { OpenAiCountable } from './token-tally.js';

interface EncodingModule { countTokens(text: string, options: { disallowedSpecial: Set<string> }): number }

/** Text that spells a special token ("<|endoftext|>") is ordinary text to the API: count it as such. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

// One require per encoding, called on first use only: esbuild keeps a bundled CommonJS module
// unevaluated until its require runs, so counting for gpt-4o never builds cl100k's tables.
const loaders: Record<Encoding, () => EncodingModule> = {
  o200k_base: () => require('gpt-tokenizer/cjs/encoding/o200k_base') as EncodingModule,
  cl100k_base: () => require('gpt-tokenizer/cjs/encoding/cl100k_base') as EncodingModule,
};
const counters = new Map<Encoding, CountTokens>();

function counter(encoding: Encoding): CountTokens {
  let count = counters.get(encoding);
  if (!count) {
    const module = loaders[encoding]();
    count = (text) => module.countTokens(text, AS_TEXT);
    counters.set(encoding, count);
  }
  return count;
}

/**
 * An upper bound on the input tokens OpenAI bills for this request (`prompt_tokens` /
 * `input_tokens`): exact BPE counts with the model's encoding plus framing margins. Null when the
 * model's encoding is unknown or a part cannot be counted: the caller keeps the byte bound.
 */
export function openAiInputTokensBound(endpoint: OpenAiCountable, body: Record<string, unknown>): number | null {
  const encoding = typeof body.model === 'string' ? encodingOf(body.model) : null;
  return encoding ? tallyOpenAiInput(endpoint, body, counter(encoding)) : null;
}
