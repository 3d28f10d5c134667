import type { AskedTool, ReserveMessage, Usage } from '../../protocol/messages.js';

/** What the hook learned from a request before it leaves the process: what it reserves with, and what it sends. */
export interface LlmRequest extends Pick<ReserveMessage, 'provider' | 'endpoint' | 'model' | 'stream' | 'inputTokensMax' | 'outputTokensMax'
  | 'choices' | 'unbounded' | 'refs' | 'minOutputTokens'> {
  /** The body to send: the original, or one that also asks the provider for stream usage. */
  body: string;
  /** The body to send with its output limit per answer lowered to `max` (to fit the budget); null when the request cannot be cut. */
  capped: ((max: number) => string) | null;
  /** The parsed request, for an exact count of its input tokens when asked. */
  json: Json;
  /** True when wflo asked for stream usage the caller did not: those chunks must be hidden. */
  usageInjected: boolean;
}

export interface UsageResult {
  usage: Usage | null;
  model: string | null;
  /** A stored response's id then its output items' ids, which later requests may continue from. */
  context?: string[];
  /** Tool calls the response asks for. */
  toolCalls?: AskedTool[];
}

/** Watches a streamed response's events for usage; may rewrite or drop events. */
export interface StreamTracker {
  /** Whether a raw event block may matter (carry usage, need rewriting): a cheap test before any parsing. */
  wants(block: string): boolean;
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

/**
 * Upper bound on a request's input tokens: a token covers at least one byte of the text it
 * encodes, and JSON framing bytes outnumber per-message overhead tokens. Images cost tokens
 * beyond their URL; tool definitions bring a hidden system prompt.
 */
export function inputTokensBound(body: string, hasTools: boolean, model: string): number {
  const images = (body.match(/"type"\s*:\s*"(?:image|input_image|image_url|document)"/g) ?? []).length;
  return Buffer.byteLength(body, 'utf8') + images * imageTokensMax(model) + (hasTools ? TOOLS_PROMPT_TOKENS_MAX : 0);
}

/** Generous ceiling on the tokens one image or document reference can cost. */
export const IMAGE_TOKENS_MAX = 6_000;

/**
 * gpt-4o-mini bills images as if they were many more tokens (to price them like gpt-4o):
 * 2,833 plus 5,667 per 512-pixel tile, up to 8 tiles at high detail.
 */
const GPT_4O_MINI_IMAGE_TOKENS_MAX = 2_833 + 5_667 * 8;

/** The most one image can cost a model, in its input tokens. */
export function imageTokensMax(model: string): number {
  return /gpt-4o-mini/.test(model) ? GPT_4O_MINI_IMAGE_TOKENS_MAX : IMAGE_TOKENS_MAX;
}
/** Generous ceiling on the system prompt a provider adds when tools are defined. */
const TOOLS_PROMPT_TOKENS_MAX = 2_000;

/** Content parts whose tokens live on the provider's side (uploaded or linked files, earlier items). */
function storedContentPart(part: Json): string | null {
  const type = part.type;
  if (type === 'item_reference' && typeof part.id !== 'string') return 'it refers to an earlier stored item ("item_reference")';
  if ((type === 'file' || type === 'input_file') && (asObject(part.file)?.file_id !== undefined || part.file_id !== undefined || part.file_url !== undefined)) {
    return `it refers to a file ("${String(type)}") whose size wflo cannot see`;
  }
  // Images are bounded by the per-image allowance; a document (a PDF of any length) is not.
  const source = asObject(part.source);
  if (type === 'document' && (source?.type === 'file' || source?.type === 'url')) {
    return 'it refers to a document by file or URL whose size wflo cannot see';
  }
  return null;
}

/** The content parts of a request's messages or input items. */
function contentParts(body: Json): Json[] {
  const parts: Json[] = [];
  const items = [...(Array.isArray(body.messages) ? body.messages : []), ...(Array.isArray(body.input) ? body.input : [])];
  for (const item of items) {
    const entry = asObject(item);
    if (!entry) continue;
    parts.push(entry);
    if (Array.isArray(entry.content)) for (const part of entry.content) { const p = asObject(part); if (p) parts.push(p); }
  }
  return parts;
}

/**
 * Stored responses and items a request continues (`previous_response_id`, `item_reference`
 * ids): the supervisor bounds them by what the run saw of them, or refuses them.
 */
export function storedRefs(body: Json): string[] {
  const refs: string[] = typeof body.previous_response_id === 'string' ? [body.previous_response_id] : [];
  for (const part of contentParts(body)) if (part.type === 'item_reference' && typeof part.id === 'string') refs.push(part.id);
  return refs;
}

/** Tools that the client runs itself: they cost only tokens. Anything else runs (and bills) on the provider's side. */
const CLIENT_TOOLS = /^(?:function|custom|local_shell|shell|apply_patch|(?:bash|text_editor|computer|memory)_\w+)$/;

/**
 * Why a request's input cannot be bounded from its body, if it cannot: it pulls in stored
 * content (earlier responses, stored prompts, uploaded files) or runs billed server tools.
 */
export function unboundedReason(body: Json): string | null {
  for (const field of ['previous_response_id', 'conversation', 'prompt'] as const) {
    // A stored prompt is an object ({ id, version }); the legacy completions `prompt` is the text itself.
    // A previous response by id is bounded by the supervisor, from what the run saw of it (storedRefs).
    const value = body[field];
    if (field === 'previous_response_id' && typeof value === 'string') continue;
    if (value !== undefined && value !== null && (field !== 'prompt' || asObject(value) !== undefined)) {
      return `it continues stored content ("${field}") whose size wflo cannot see`;
    }
  }
  for (const part of contentParts(body)) {
    const reason = storedContentPart(part);
    if (reason) return reason;
  }
  if (body.service_tier === 'priority') return 'it asks for priority processing ("service_tier": "priority"), billed at higher rates wflo does not price';
  if (body.web_search_options !== undefined) return 'it asks for web search ("web_search_options"), billed per search';
  if (body.mcp_servers !== undefined) return 'it uses remote MCP servers ("mcp_servers") whose results are billed as input';
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const server = tools.find((tool) => {
    const entry = asObject(tool);
    // Anthropic's own tool definitions have no type: they run in the client.
    return typeof entry?.type === 'string' && !CLIENT_TOOLS.test(entry.type);
  });
  if (server) return `it uses a server tool ("${String(asObject(server)?.type)}") billed by the provider beyond tokens`;
  return null;
}
