import { createRequire } from 'node:module';
import path from 'node:path';
import { encodingOf, openAiInputTokensBound, type CountTokens, type Encoding, type OpenAiCountable } from './token-bound.js';

type Bound = (endpoint: OpenAiCountable, body: Record<string, unknown>) => number | null;
interface EncodingModule { countTokens(text: string, options: { disallowedSpecial: Set<string> }): number }

const counters = new Map<Encoding, CountTokens | null>();
/** Text that spells a special token ("<|endoftext|>") is ordinary text to the API: count it as such. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * The tokenizer of one encoding, loaded on first use from wflo's own dependencies (resolved
 * from dist/, where the preload bundle lives): megabytes of tables no script pays for unless
 * a call needs an exact count. Null when it cannot be loaded.
 */
function counter(encoding: Encoding): CountTokens | null {
  if (!counters.has(encoding)) {
    let count: CountTokens | null = null;
    try {
      const load = createRequire(path.join(__dirname, 'preload.cjs'));
      const module = load(`gpt-tokenizer/cjs/encoding/${encoding}`) as EncodingModule;
      count = (text) => module.countTokens(text, AS_TEXT);
    } catch { /* no exact count: the byte bound stays */ }
    counters.set(encoding, count);
  }
  return counters.get(encoding) ?? null;
}

/** The exact input bound for OpenAI requests, or null when the model's tokenizer is unknown or cannot load. */
export function loadTokenBound(): Bound {
  return (endpoint, body) => {
    const encoding = typeof body.model === 'string' ? encodingOf(body.model) : null;
    const count = encoding ? counter(encoding) : null;
    return count ? openAiInputTokensBound(endpoint, body, count) : null;
  };
}
