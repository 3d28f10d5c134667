/** Deterministic reply text and token counts for the fake provider. */
import type { FakeProviderOptions, FakeRequestInfo, FakeUsage } from './server.js';

/** Output ceiling when a request sets none. */
export const DEFAULT_MAX_OUTPUT = 256;

const SENTENCES: readonly (readonly string[])[] = [
  'This reply comes from the wflo simulator, not from a real language model.',
  'No API key was used and no provider will bill anyone for it.',
  'The text is deterministic, so the same prompt always gets the same answer.',
  'Token counts are estimated from the size of the request so cost tracking has real numbers to check.',
  'A real model would weigh the question carefully here and explain its reasoning step by step.',
  'Use the simulator to rehearse budgets, checkpoints and agent loops without spending money.',
  'When streamed, this text arrives a few words at a time, just as it does from the real APIs.',
  'Every fact in this paragraph is a placeholder invented for the demo.',
  'Run the script without the simulate flag to talk to a real provider instead.',
  'The simulated provider answers instantly unless it was asked to add latency.',
  'Nothing here should be mistaken for advice, research or an actual result.',
  'In summary, the simulated analysis is complete and the agent can carry on.',
].map((s) => s.split(' '));

/** Cache of generated replies: agents and benchmarks repeat prompts, and building one costs a few µs. */
const replyCache = new Map<string, readonly string[]>();
const REPLY_CACHE_MAX = 1024;

/** FNV-1a over a bounded prefix: stable across runs and cheap for huge prompts. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  const end = Math.min(text.length, 2000);
  for (let i = 0; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h ^ text.length) >>> 0;
}

/** ceil(UTF-8 bytes / 4): the usual rule-of-thumb tokenizer. */
export function textTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/** Default input tokens: ceil(total bytes / 4) + 4 per message. */
export function estimateInputTokens(messageTexts: readonly string[]): number {
  let bytes = 0;
  for (const text of messageTexts) bytes += Buffer.byteLength(text, 'utf8');
  return Math.ceil(bytes / 4) + 4 * messageTexts.length;
}

/** The full simulated reply (60–120 words) for a user message, as words. */
export function replyWords(userText: string): readonly string[] {
  const h = hashText(userText);
  const topic = userText.slice(0, 400).split(/\s+/).filter((w) => w !== '').slice(0, 8);
  const key = `${h}\u0000${topic.join(' ')}`;
  const cached = replyCache.get(key);
  if (cached) return cached;

  const words = ['Simulated', 'answer', 'about', ...(topic.length > 0 ? topic : ['your', 'request'])];
  words[words.length - 1] = endSentence(words[words.length - 1] ?? '');
  const target = 60 + (h % 61);
  for (let i = h % SENTENCES.length; words.length < target; i++) {
    words.push(...(SENTENCES[i % SENTENCES.length] ?? []));
  }
  words.length = target;
  words[target - 1] = endSentence(words[target - 1] ?? '');

  if (replyCache.size >= REPLY_CACHE_MAX) replyCache.clear();
  replyCache.set(key, words);
  return words;
}

function endSentence(word: string): string {
  return /[.?!:]$/.test(word) ? word : `${word.replace(/[,;]+$/, '')}.`;
}

/** A text answer cut to the output ceiling. */
export interface ReplyPlan {
  words: readonly string[];
  text: string;
  /** Output tokens one copy of this answer costs by default (one per word). */
  tokens: number;
  /** The ceiling cut the reply short (finish_reason 'length'). */
  truncated: boolean;
}

/** The reply for `userText`, truncated to `maxOutputTokens` words when that is smaller. */
export function planReply(userText: string, maxOutputTokens: number | undefined): ReplyPlan {
  const full = replyWords(userText);
  const limit = maxOutputTokens ?? DEFAULT_MAX_OUTPUT;
  const words = full.length > limit ? full.slice(0, limit) : full;
  return { words, text: words.join(' '), tokens: words.length, truncated: words.length < full.length };
}

/** What the wire module computed, for the usage resolution below. */
export interface UsageDefaults {
  defaultInput: number;
  defaultOutput: number;
  /** Embeddings: the response can only report input tokens. */
  outputless?: boolean;
}

/** The usage to report and bill: the option's numbers exactly, defaults for what it leaves out. */
export function resolveUsage(
  option: FakeProviderOptions['usage'],
  info: FakeRequestInfo,
  defaults: UsageDefaults,
): FakeUsage {
  const fixed = typeof option === 'function' ? option(info) : option;
  if (defaults.outputless) {
    const inputTokens = fixed?.inputTokens ?? defaults.defaultInput;
    return { inputTokens, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  }
  if (!fixed) {
    return {
      inputTokens: defaults.defaultInput,
      outputTokens: defaults.defaultOutput,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    };
  }
  const cachedTokens = fixed.cachedTokens ?? 0;
  const cacheWriteTokens = fixed.cacheWriteTokens ?? 0;
  const reasoningTokens = fixed.reasoningTokens ?? 0;
  return {
    // Totals include their parts, so a default total must not undercut the fixed parts.
    inputTokens: fixed.inputTokens ?? Math.max(defaults.defaultInput, cachedTokens + cacheWriteTokens),
    outputTokens: fixed.outputTokens ?? defaults.defaultOutput + reasoningTokens,
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens,
  };
}
