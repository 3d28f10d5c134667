import { asObject, IMAGE_TOKENS_MAX, type Json } from './providers/types.js';

/** Counts the BPE tokens of a text with the model's encoding. */
export type CountTokens = (text: string) => number;
export type Encoding = 'o200k_base' | 'cl100k_base';
export type OpenAiCountable = 'chat.completions' | 'completions' | 'responses' | 'embeddings';

/**
 * The encoding of an OpenAI model, or null when wflo does not know it (then the byte bound
 * stays). o200k first: "gpt-4o" also starts with "gpt-4".
 */
export function encodingOf(model: string): Encoding | null {
  const base = model.startsWith('ft:') ? model.slice(3) : model;
  if (/^(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d)/.test(base)) return 'o200k_base';
  if (/^(?:gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)/.test(base)) return 'cl100k_base';
  return null;
}

// Margins, each above what OpenAI documents or what its renderings measure:
/** Per message: the cookbook counts 3 (<|im_start|>, role, <|im_sep|>/<|im_end|>); 4 leaves a token to spare, plus the role's own tokens. */
const PER_MESSAGE = 4;
/** Reply priming (<|im_start|>assistant<|im_sep|>): the cookbook counts 3. */
const REPLY_PRIMING = 3;
/** Per part of a message counted apart (a text part, a name, a tool call): one token for where two pieces would have merged. */
const PER_PART = 1;
/** Per tool call or function output item: its framing (ids, "functions." prefix, separators) measures 7–9 tokens. */
const PER_TOOL_CALL = 12;
/**
 * Tool definitions are rendered as a TypeScript namespace ("namespace functions { type f = (_: {…}) => any; }").
 * Their JSON is longer than that rendering (quotes, "type":"object", "properties"), so its token count bounds the
 * rendering's; the namespace header and per-tool separators add a fixed amount on top.
 */
const TOOLS_FIXED = 32;
const PER_TOOL = 16;
/** A response_format schema is rendered into the system prompt the same way. */
const RESPONSE_FORMAT_FIXED = 16;

/** Counts the model-visible parts of requests; null as soon as a part cannot be bounded. */
class Tally {
  total = 0;
  ok = true;

  constructor(private readonly count: CountTokens) {}

  text(value: unknown): void {
    if (typeof value === 'string') this.total += this.count(value) + PER_PART;
    else if (value !== undefined && value !== null) this.json(value);
  }

  /** Anything structured that reaches the model: its JSON text bounds its rendering. */
  json(value: unknown): void {
    this.total += this.count(JSON.stringify(value)) + PER_PART;
  }

  /** Message content: a string, or parts (text, images, files, audio, refusals…). */
  content(value: unknown): void {
    if (!Array.isArray(value)) { this.text(value); return; }
    for (const item of value) {
      const part = asObject(item);
      if (!part) { this.text(item); continue; }
      const type = part.type;
      if (type === 'image_url' || type === 'input_image' || type === 'image') this.total += IMAGE_TOKENS_MAX;
      else if (type === 'input_audio' || type === 'input_file' || type === 'file' || type === 'document') this.ok = false;
      else if (typeof part.text === 'string' && Object.keys(part).every((k) => k === 'type' || k === 'text' || k === 'annotations')) this.text(part.text);
      else this.json(part);
    }
  }

  /** A chat message (or a Responses message item): framing, role, name, content, tool calls. */
  message(message: Json): void {
    this.total += PER_MESSAGE;
    for (const [key, value] of Object.entries(message)) {
      if (key === 'content') this.content(value);
      else if (key === 'tool_calls' && Array.isArray(value)) this.toolCalls(value);
      else if (key !== 'type') this.text(value);
    }
  }

  toolCalls(calls: unknown[]): void {
    for (const call of calls) {
      const fn = asObject(asObject(call)?.function);
      this.total += PER_TOOL_CALL;
      if (fn) { this.text(fn.name); this.text(fn.arguments); } else this.json(call);
    }
  }

  /** A Responses API input item. */
  item(value: unknown): void {
    const item = asObject(value);
    if (!item) { this.text(value); return; }
    const type = item.type;
    if (type === undefined || type === 'message') { this.message(item); return; }
    if (type === 'function_call' || type === 'custom_tool_call') { this.total += PER_TOOL_CALL; this.text(item.name); this.text(item.arguments ?? item.input); return; }
    if (type === 'function_call_output' || type === 'custom_tool_call_output') { this.total += PER_TOOL_CALL; this.content(item.output); return; }
    // The stored item it names is bounded by the supervisor from what the run saw of it.
    if (type === 'item_reference') { this.text(item.id); return; }
    // Reasoning items carry encrypted content: not countable here.
    this.ok = false;
  }

  tools(value: unknown): void {
    if (!Array.isArray(value) || value.length === 0) return;
    this.total += TOOLS_FIXED + PER_TOOL * value.length;
    this.json(value);
  }
}

/**
 * An upper bound on the input tokens OpenAI bills for this request (`prompt_tokens`,
 * `input_tokens`): the exact BPE count of every piece that reaches the model, plus framing
 * with a margin. Null when the model's encoding is unknown or a piece cannot be counted
 * (audio, files, reasoning items): the caller keeps the byte bound.
 */
export function openAiInputTokensBound(endpoint: OpenAiCountable, body: Json, count: CountTokens): number | null {
  const tally = new Tally(count);
  if (endpoint === 'embeddings' || endpoint === 'completions') {
    const input = endpoint === 'embeddings' ? body.input : body.prompt;
    const items = Array.isArray(input) && input.every((x) => typeof x === 'number') ? [input] : Array.isArray(input) ? input : [input];
    for (const item of items) {
      // Token arrays are their own count.
      if (Array.isArray(item) && item.every((x) => typeof x === 'number')) tally.total += item.length;
      else if (typeof item === 'string') tally.text(item);
      else return null;
    }
    if (endpoint === 'completions') { tally.text(body.suffix); tally.total += REPLY_PRIMING; }
    return tally.total;
  }
  if (endpoint === 'chat.completions') {
    if (!Array.isArray(body.messages)) return null;
    for (const m of body.messages) { const message = asObject(m); if (message) tally.message(message); else return null; }
    tally.tools(body.tools);
    tally.tools(body.functions);
  } else {
    tally.text(body.instructions);
    if (typeof body.input === 'string') { tally.total += PER_MESSAGE; tally.text(body.input); }
    else if (Array.isArray(body.input)) for (const item of body.input) tally.item(item);
    else if (body.input !== undefined) return null;
    tally.tools(body.tools);
  }
  const format = body.response_format ?? asObject(body.text)?.format;
  if (format !== undefined) { tally.total += RESPONSE_FORMAT_FIXED; tally.json(format); }
  tally.total += REPLY_PRIMING;
  return tally.ok ? tally.total : null;
}
