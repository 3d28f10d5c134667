import type { Endpoint, Usage } from '../../protocol/messages.js';
import { ChatToolDeltas, chatToolCalls, responsesToolCalls } from './tool-calls.js';
import {
  asObject, count, inputTokensBound, isCount, storedRefs, unboundedReason,
  type Json, type LlmRequest, type StreamTracker, type UsageResult,
} from './types.js';

type OpenAiEndpoint = Extract<Endpoint, 'chat.completions' | 'completions' | 'responses' | 'embeddings'>;

/** Legacy completions default to 16 tokens when max_tokens is not set. */
const LEGACY_DEFAULT_MAX_TOKENS = 16;

function choicesOf(endpoint: OpenAiEndpoint, body: Json): number {
  const n = endpoint === 'chat.completions' || endpoint === 'completions' ? body.n : undefined;
  const bestOf = endpoint === 'completions' ? body.best_of : undefined;
  // best_of generates (and bills) that many completions server-side.
  return Math.max(1, isCount(n) ? n : 1, isCount(bestOf) ? bestOf : 1);
}

function outputCeiling(endpoint: OpenAiEndpoint, body: Json, choices: number): number | null {
  if (endpoint === 'embeddings') return 0;
  if (endpoint === 'chat.completions') {
    // Both set: a compatible server may honour either, so the larger bounds the output.
    const set = [body.max_completion_tokens, body.max_tokens].filter(isCount);
    return set.length > 0 ? Math.max(...set) * choices : null;
  }
  const max = endpoint === 'responses' ? body.max_output_tokens : (body.max_tokens ?? LEGACY_DEFAULT_MAX_TOKENS);
  return isCount(max) ? max * choices : null;
}

/** Reasoning models take only max_completion_tokens; other chat models and most compatible servers know max_tokens. */
const REASONING_MODEL = /^(?:o\d|gpt-5)/;

/** The field that limits output per answer: the one the request already uses, else the one its endpoint and model expect. */
function outputLimitField(endpoint: Exclude<OpenAiEndpoint, 'embeddings'>, body: Json): string {
  if (endpoint === 'responses') return 'max_output_tokens';
  if (endpoint === 'completions') return 'max_tokens';
  if (body.max_completion_tokens !== undefined && body.max_completion_tokens !== null) return 'max_completion_tokens';
  if (body.max_tokens !== undefined && body.max_tokens !== null) return 'max_tokens';
  return typeof body.model === 'string' && REASONING_MODEL.test(body.model) ? 'max_completion_tokens' : 'max_tokens';
}

/** A chat request that sets both limits gets both lowered: whichever the server honours must hold. */
function bothLimits(endpoint: Exclude<OpenAiEndpoint, 'embeddings'>, body: Json, max: number): Json {
  if (endpoint !== 'chat.completions' || !isCount(body.max_tokens) || !isCount(body.max_completion_tokens)) return {};
  return { max_tokens: max, max_completion_tokens: max };
}

/** Reads an OpenAI (or compatible) request. For chat streams without usage, asks for it. */
export function parseOpenAiRequest(endpoint: OpenAiEndpoint, text: string, body: Json): LlmRequest {
  const stream = body.stream === true;
  let sent = text;
  let usageInjected = false;
  let toSend = body;
  if ((endpoint === 'chat.completions' || endpoint === 'completions') && stream && asObject(body.stream_options)?.include_usage !== true) {
    // Without this the stream carries no usage at all; the extra chunk is hidden from the caller.
    toSend = { ...body, stream_options: { ...asObject(body.stream_options), include_usage: true } };
    sent = JSON.stringify(toSend);
    usageInjected = true;
  }
  const capped = endpoint === 'embeddings' ? null
    : (max: number): string => JSON.stringify({ ...toSend, ...bothLimits(endpoint, body, max), [outputLimitField(endpoint, body)]: max });
  const choices = choicesOf(endpoint, body);
  return {
    provider: 'openai',
    endpoint,
    model: typeof body.model === 'string' ? body.model : '',
    stream,
    inputTokensMax: inputTokensBound(text, Array.isArray(body.tools) && body.tools.length > 0, typeof body.model === 'string' ? body.model : ''),
    outputTokensMax: outputCeiling(endpoint, body, choices),
    choices,
    unbounded: unboundedReason(body),
    refs: storedRefs(body),
    minOutputTokens: 1,
    body: sent,
    capped,
    json: body,
    usageInjected,
  };
}

/**
 * OpenAI usage: chat and completions say prompt/completion, the responses API input/output.
 * Cached tokens are part of the input, reasoning tokens part of the output.
 */
function usageWith(raw: unknown, input: 'prompt' | 'input', output: 'completion' | 'output'): Usage | null {
  const u = asObject(raw);
  if (!u || !isCount(u[`${input}_tokens`])) return null;
  return {
    inputTokens: count(u[`${input}_tokens`]),
    cachedInputTokens: count(asObject(u[`${input}_tokens_details`])?.cached_tokens),
    cacheWriteTokens: 0,
    outputTokens: count(u[`${output}_tokens`]),
    reasoningTokens: count(asObject(u[`${output}_tokens_details`])?.reasoning_tokens),
  };
}

const chatUsage = (raw: unknown): Usage | null => usageWith(raw, 'prompt', 'completion');
const responsesUsage = (raw: unknown): Usage | null => usageWith(raw, 'input', 'output');

function modelOf(body: Json | undefined): string | null {
  return typeof body?.model === 'string' ? body.model : null;
}

/** A stored response's id, then its output items' ids: what later requests may continue from. */
function responseContext(response: Json | undefined): string[] {
  if (typeof response?.id !== 'string') return [];
  const items = Array.isArray(response.output) ? response.output.map((item) => asObject(item)?.id).filter((id): id is string => typeof id === 'string') : [];
  return [response.id, ...items];
}

/** Usage of a plain (non-streamed) OpenAI response body. */
export function openAiUsage(endpoint: OpenAiEndpoint, body: unknown): UsageResult {
  const json = asObject(body);
  if (endpoint === 'responses') return { usage: responsesUsage(json?.usage), model: modelOf(json), context: responseContext(json), toolCalls: responsesToolCalls(json) };
  return { usage: chatUsage(json?.usage), model: modelOf(json), toolCalls: endpoint === 'chat.completions' ? chatToolCalls(json) : [] };
}

/**
 * Every chunk carries "usage":null once usage is asked for. JSON escapes quotes inside strings,
 * so this text can only be the top-level key: cut it without a parse.
 */
export function stripNullUsage(text: string): string {
  return text.replace(/,"usage":null(?=[,}])|"usage":null,/, '');
}

/** Chat completion chunks: usage comes in a last chunk with no choices (when asked for). */
export class ChatStreamTracker implements StreamTracker {
  private found: UsageResult = { usage: null, model: null };
  private readonly tools = new ChatToolDeltas();

  constructor(private readonly hideUsage: boolean) {}

  wants(block: string): boolean { return block.includes('"usage"') || block.includes('"tool_calls"'); }

  onEvent(data: string): string | null {
    if (data.includes('"tool_calls"')) this.readTools(data);
    if (!data.includes('"usage"')) return data;
    if (this.hideUsage && data.includes('"usage":null')) return stripNullUsage(data);
    let chunk: Json | undefined;
    try { chunk = asObject(JSON.parse(data)); } catch { return data; }
    if (!chunk) return data;
    const usage = chatUsage(chunk.usage);
    if (usage) this.found = { usage, model: modelOf(chunk) };
    if (!this.hideUsage) return data;
    const choices = chunk.choices;
    if (usage && Array.isArray(choices) && choices.length === 0) return null;
    // The caller did not ask for usage: give back chunks exactly as they would have come.
    delete chunk.usage;
    return JSON.stringify(chunk);
  }

  private readTools(data: string): void {
    try {
      const chunk = asObject(JSON.parse(data));
      if (chunk) this.tools.add(chunk);
    } catch { /* the SDK sees the same data */ }
  }

  result(): UsageResult { return { ...this.found, toolCalls: this.tools.result() }; }
}

/** Responses API events: the final response (completed, incomplete or failed) carries usage. */
export class ResponsesStreamTracker implements StreamTracker {
  private found: UsageResult = { usage: null, model: null };

  wants(block: string): boolean { return block.includes('"usage"'); }

  onEvent(data: string): string | null {
    if (!data.includes('"usage"') || !data.startsWith('{"type":"response.')) return data;
    try {
      const response = asObject(asObject(JSON.parse(data))?.response);
      const usage = responsesUsage(response?.usage);
      if (usage) this.found = { usage, model: modelOf(response), context: responseContext(response), toolCalls: responsesToolCalls(response) };
    } catch { /* not ours to judge: the SDK sees the same data */ }
    return data;
  }

  result(): UsageResult { return this.found; }
}
