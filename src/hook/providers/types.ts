import type { ReserveMessage, Usage } from '../../protocol/messages.js';

/** What the hook learned from a request before it leaves the process: what it reserves with, and what it sends. */
export interface LlmRequest extends Pick<ReserveMessage, 'provider' | 'endpoint' | 'model' | 'stream' | 'inputTokensMax' | 'outputTokensMax'> {
  /** The body to send: the original, or one that also asks the provider for stream usage. */
  body: string;
  /** True when wflo asked for stream usage the caller did not: those chunks must be hidden. */
  usageInjected: boolean;
}

export interface UsageResult {
  usage: Usage | null;
  model: string | null;
}

/** Watches a streamed response's events for usage; may rewrite or drop events. */
export interface StreamTracker {
  /** Sees one SSE event's data; returns the data to pass on, or null to drop the event. */
  onEvent(data: string, event: string | null): string | null;
  result(): UsageResult;
}

/** Reads usage from the pieces of a provider's JSON, tolerating anything malformed. */
export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Upper bound on a request's input tokens: a token covers at least one byte of the text it encodes,
 * and JSON framing bytes outnumber per-message overhead tokens. Images cost tokens beyond their URL. */
export function inputTokensBound(body: string): number {
  const images = countOccurrences(body, '"image_url"') + countOccurrences(body, '"input_image"')
    + countOccurrences(body, '"type":"image"') + countOccurrences(body, '"type":"document"');
  return Buffer.byteLength(body, 'utf8') + images * IMAGE_TOKENS_MAX;
}

/** Generous ceiling on the tokens one image or document reference can cost. */
const IMAGE_TOKENS_MAX = 6_000;

function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}
