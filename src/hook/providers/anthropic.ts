import type { Usage } from '../../protocol/messages.js';
import { AnthropicToolDeltas, anthropicToolCalls } from './tool-calls.js';
import {
  asObject, count, inputTokensBound, isCount, storedRefs, unboundedReason,
  type Json, type LlmRequest, type StreamTracker, type UsageResult,
} from './types.js';

const ONE_HOUR_CACHE = /"ttl"\s*:\s*"1h"/;

/** Reads an Anthropic messages request: max_tokens is required by the API, so the ceiling is known. */
export function parseAnthropicRequest(text: string, body: Json): LlmRequest {
  // Extended thinking needs max_tokens above its budget: the output limit cannot be cut below that.
  const thinking = asObject(body.thinking);
  const thinkingBudget = thinking?.type === 'enabled' && isCount(thinking.budget_tokens) ? thinking.budget_tokens : 0;
  return {
    provider: 'anthropic',
    endpoint: 'messages',
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    // A 1-hour cache write costs twice the base input price, above every rate the bound assumes
    // (the dearest is the 5-minute write, 1.25×): counting each byte twice keeps the bound above it.
    inputTokensMax: inputTokensBound(text, Array.isArray(body.tools) && body.tools.length > 0, '') * (ONE_HOUR_CACHE.test(text) ? 2 : 1),
    outputTokensMax: isCount(body.max_tokens) ? body.max_tokens : null,
    choices: 1,
    unbounded: unboundedReason(body),
    refs: storedRefs(body),
    minOutputTokens: thinkingBudget + 1,
    body: text,
    capped: (max) => JSON.stringify({ ...body, max_tokens: max }),
    json: body,
    usageInjected: false,
  };
}

/** Anthropic's cache reads and writes come on top of input_tokens; wflo's inputTokens is the total. */
function anthropicUsage(raw: unknown): Usage | null {
  const u = asObject(raw);
  if (!u || !isCount(u.input_tokens)) return null;
  const cacheRead = count(u.cache_read_input_tokens);
  const cacheWrite = count(u.cache_creation_input_tokens);
  // Writes kept for an hour cost more than the 5-minute ones the catalogue prices.
  const oneHour = count(asObject(u.cache_creation)?.ephemeral_1h_input_tokens);
  return {
    inputTokens: count(u.input_tokens) + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    ...(oneHour > 0 ? { cacheWrite1hTokens: Math.min(oneHour, cacheWrite) } : {}),
    outputTokens: count(u.output_tokens),
    reasoningTokens: 0,
  };
}

/** Usage of a plain Anthropic message. */
export function anthropicMessageUsage(body: unknown): UsageResult {
  const json = asObject(body);
  return { usage: anthropicUsage(json?.usage), model: typeof json?.model === 'string' ? json.model : null, toolCalls: anthropicToolCalls(json) };
}

/**
 * message_start carries the input counts; message_delta's output_tokens is cumulative,
 * so the last one wins (never sum them). Newer API versions repeat input counts there too.
 */
export class MessagesStreamTracker implements StreamTracker {
  private raw: Json | undefined;
  private model: string | null = null;
  /** message_start says 1 output token: only message_delta gives the final counts. */
  private final = false;

  private readonly tools = new AnthropicToolDeltas();

  wants(block: string): boolean { return block.includes('message_start') || block.includes('message_delta') || block.includes('"tool_use"') || block.includes('input_json_delta'); }

  onEvent(data: string, event: string | null): string | null {
    if (event === 'content_block_start' || event === 'content_block_delta') {
      try { const json = asObject(JSON.parse(data)); if (json) this.tools.add(event, json); } catch { /* the SDK sees the same data */ }
      return data;
    }
    if (event !== 'message_start' && event !== 'message_delta') return data;
    try {
      const json = asObject(JSON.parse(data));
      if (event === 'message_start') {
        const message = asObject(json?.message);
        this.raw = asObject(message?.usage);
        this.model = typeof message?.model === 'string' ? message.model : null;
      } else if (this.raw) {
        this.final = true;
        // Later counts replace earlier ones field by field; absent or null fields keep theirs.
        const delta = asObject(json?.usage) ?? {};
        const present = Object.entries(delta).filter(([, value]) => isCount(value));
        this.raw = { ...this.raw, ...Object.fromEntries(present) };
      }
    } catch { /* the SDK sees the same data and reports it */ }
    return data;
  }

  /** No usage until message_delta: a stream that ends without it is incomplete, not 1 output token. */
  result(): UsageResult { return { usage: this.final ? anthropicUsage(this.raw) : null, model: this.model, toolCalls: this.tools.result() }; }
}
