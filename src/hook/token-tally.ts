import { asObject, imageTokensMax, type Json } from './providers/types.js';

/** Counts the BPE tokens of a text with the model's encoding (special-token spellings as plain text). */
export type CountTokens = (text: string) => number;
/** The OpenAI endpoints whose input wflo can count. */
export type OpenAiCountable = 'chat.completions' | 'completions' | 'responses' | 'embeddings';

// Margins. The reference is OpenAI's cookbook (num_tokens_from_messages): 3 tokens per message,
// 1 per name, 3 of reply priming, every field's text encoded alone. Every figure below is at
// least that, and the tests check it against gpt-tokenizer's own rendering of the chat.
/** Per message: the cookbook's 3 (<|im_start|>, <|im_sep|>, <|im_end|>) and one spare. The role is counted as a field. */
const PER_MESSAGE = 4;
/** Reply priming (<|im_start|>assistant<|im_sep|>): the cookbook's 3. */
const REPLY_PRIMING = 3;
/**
 * Per field counted on its own (role, name, a text part, arguments): one token for a separator
 * between pieces, or a merge at their boundary that the separate counts did not see.
 */
const PER_PART = 1;
/** Per tool call or tool output: its framing (recipient "functions.x", separators) measures 7–9 tokens. */
const PER_TOOL_CALL = 12;
/**
 * Tool definitions are rendered as a TypeScript namespace in a system message
 * ("# Tools\n\n## functions\n\nnamespace functions {…} // namespace functions": 13 tokens), of its
 * own when there is none (4 + 2 framing): 32 leaves 13 spare.
 */
const TOOLS_FIXED = 32;
/**
 * With parallel tool calls on (the default), models are shown a "multi_tool_use" namespace
 * wrapping the functions: its published text is 194 (o200k) / 198 (cl100k) tokens. Counted
 * unless parallel_tool_calls is false, with 26 spare for wording changes.
 */
const MULTI_TOOL_USE = 224;
/**
 * Per tool: "type name = (_: {" … "}) => any;" and blank lines. The JSON of a definition also
 * carries "type":"function", "parameters", "properties" and quotes the rendering drops, so its
 * count bounds the rest of the rendering, but for the two cases below.
 */
const PER_TOOL = 16;
/** Enum values: JSON's `","` is 1 token, the rendering's `" | "` is 3: 2 more per value, plus one spare. */
const PER_ENUM_VALUE = 3;
/** A newline in a description: JSON's `\n` is 1 token, the rendering's "\n// " is 3: 2 more, plus one spare. */
const PER_NEWLINE = 3;
/** A response_format schema goes into the system prompt under a heading ("# Response Formats\n\n## name"). */
const RESPONSE_FORMAT_FIXED = 16;
/** An instructions string is a system (developer) message of its own: framing, role and the text. */
const INSTRUCTIONS_ROLE = 1 + PER_PART;

/** What a rendering of a JSON schema can add over its JSON text: enum separators, comment prefixes. */
function renderingSlack(value: unknown, key = ''): number {
  if (typeof value === 'string') return PER_NEWLINE * (value.split('\n').length - 1);
  if (Array.isArray(value)) {
    const own = key === 'enum' ? PER_ENUM_VALUE * value.length : 0;
    return value.reduce<number>((sum, item) => sum + renderingSlack(item), own);
  }
  const object = asObject(value);
  if (!object) return key === 'const' ? PER_ENUM_VALUE : 0;
  return Object.entries(object).reduce((sum, [k, v]) => sum + renderingSlack(k) + renderingSlack(v, k), 0);
}

/** Counts the model-visible parts of a request; `ok` turns false on a part it cannot bound. */
class Tally {
  total = 0;
  ok = true;

  constructor(private readonly count: CountTokens, private readonly imageTokens: number) {}

  /** A string as its tokens; anything else that reaches the model as its JSON. */
  text(value: unknown): void {
    if (typeof value === 'string') this.total += this.count(value) + PER_PART;
    else if (value !== undefined && value !== null) this.json(value);
  }

  /** Structured data: its JSON text bounds any rendering that drops quotes, braces and keys. */
  json(value: unknown): void {
    this.total += this.count(JSON.stringify(value) ?? '') + PER_PART;
  }

  /** Message content: a string, or parts (text, images, files, audio, refusals…). */
  content(value: unknown): void {
    if (!Array.isArray(value)) { this.text(value); return; }
    for (const item of value) {
      const part = asObject(item);
      if (!part) { this.text(item); continue; }
      const type = part.type;
      // Images are billed by size, not by their URL or base64: the byte bound's allowance.
      if (type === 'image_url' || type === 'input_image' || type === 'image') this.total += this.imageTokens;
      // Audio and files (PDF pages as text and images) have no bound here: the byte bound stays.
      else if (type === 'input_audio' || type === 'input_file' || type === 'file' || type === 'document') this.ok = false;
      else if (typeof part.text === 'string' && Object.keys(part).every((k) => k === 'type' || k === 'text' || k === 'annotations')) this.text(part.text);
      // Unknown shapes: everything in them, keys included.
      else this.json(part);
    }
  }

  /** A chat message or a Responses message item: framing plus every field but its type. */
  message(message: Json): void {
    this.total += PER_MESSAGE;
    for (const [key, value] of Object.entries(message)) {
      if (key === 'content') this.content(value);
      else if (key === 'tool_calls' && Array.isArray(value)) this.toolCalls(value);
      else if (key !== 'type') this.text(value);
    }
  }

  /** Chat tool calls: name and arguments as text, ids and anything unknown counted too. */
  toolCalls(calls: unknown[]): void {
    for (const value of calls) {
      this.total += PER_TOOL_CALL;
      const call = asObject(value);
      if (!call) { this.text(value); continue; }
      for (const [key, field] of Object.entries(call)) {
        const fn = key === 'function' || key === 'custom' ? asObject(field) : undefined;
        if (fn) for (const [k, v] of Object.entries(fn)) this.text(k === 'name' || k === 'arguments' || k === 'input' ? v : { [k]: v });
        else if (key !== 'type') this.text(field);
      }
    }
  }

  /** A Responses API input item. */
  item(value: unknown): void {
    const item = asObject(value);
    if (!item) { this.text(value); return; }
    const type = item.type;
    if (type === undefined || type === 'message') { this.message(item); return; }
    if (type === 'function_call' || type === 'custom_tool_call') { this.total += PER_TOOL_CALL; this.fields(item); return; }
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      this.total += PER_TOOL_CALL;
      for (const [key, field] of Object.entries(item)) if (key === 'output') this.content(field); else if (key !== 'type') this.text(field);
      return;
    }
    // The stored item it names is added by the supervisor from what the run saw of it.
    if (type === 'item_reference') { this.text(item.id); return; }
    // Reasoning items carry encrypted content; other items are tools' own: not countable here.
    this.ok = false;
  }

  /** Every field of an item but its type, as text. */
  private fields(item: Json): void {
    for (const [key, field] of Object.entries(item)) if (key !== 'type') this.text(field);
  }

  /** Function definitions (chat `tools`/`functions`, Responses `tools`): the namespace they are rendered into. */
  tools(value: unknown, parallel: boolean): void {
    if (!Array.isArray(value) || value.length === 0) return;
    this.total += TOOLS_FIXED + PER_TOOL * value.length + (parallel ? MULTI_TOOL_USE : 0) + renderingSlack(value);
    this.json(value);
  }

  /** A response_format / text.format schema rendered into the system prompt. */
  format(value: unknown): void {
    if (value === undefined || value === null) return;
    this.total += RESPONSE_FORMAT_FIXED + renderingSlack(value);
    this.json(value);
  }
}

/** Prompts (completions) or inputs (embeddings): strings, or token arrays that are their own count. */
function countPrompts(tally: Tally, input: unknown): boolean {
  const isTokens = (x: unknown): x is number[] => Array.isArray(x) && x.every((t) => typeof t === 'number');
  const items = isTokens(input) || !Array.isArray(input) ? [input] : input;
  for (const item of items) {
    if (isTokens(item)) tally.total += item.length;
    else if (typeof item === 'string') tally.text(item);
    else return false;
  }
  return true;
}

/**
 * An upper bound on the input tokens OpenAI bills for a request (`prompt_tokens`,
 * `input_tokens`), given the model's token counter: the BPE count of every piece that reaches
 * the model plus framing with margins (above). Null when a piece cannot be bounded (audio,
 * files, reasoning and server-tool items, a body of the wrong shape): the byte bound stays.
 */
export function tallyOpenAiInput(endpoint: OpenAiCountable, body: Json, count: CountTokens): number | null {
  const tally = new Tally(count, imageTokensMax(typeof body.model === 'string' ? body.model : ''));
  if (endpoint === 'embeddings') return countPrompts(tally, body.input) ? tally.total : null;
  if (endpoint === 'completions') {
    if (!countPrompts(tally, body.prompt)) return null;
    tally.text(body.suffix);
    return tally.total;
  }
  const parallel = body.parallel_tool_calls !== false;
  if (endpoint === 'chat.completions') {
    if (!Array.isArray(body.messages)) return null;
    for (const m of body.messages) {
      const message = asObject(m);
      if (!message) return null;
      tally.message(message);
    }
    tally.tools(body.tools, parallel);
    tally.tools(body.functions, parallel);
    tally.format(body.response_format);
  } else {
    if (body.instructions !== undefined && body.instructions !== null) { tally.total += PER_MESSAGE + INSTRUCTIONS_ROLE; tally.text(body.instructions); }
    if (typeof body.input === 'string') tally.message({ role: 'user', content: body.input });
    else if (Array.isArray(body.input)) for (const item of body.input) tally.item(item);
    else if (body.input !== undefined) return null;
    tally.tools(body.tools, parallel);
    tally.format(asObject(body.text)?.format);
  }
  // A forced tool choice names a tool the prompt may repeat.
  if (asObject(body.tool_choice)) tally.json(body.tool_choice);
  tally.total += REPLY_PRIMING;
  return tally.ok ? tally.total : null;
}
