/** Pieces shared by the wire-format modules: request reading, ids, tool calls, the draft contract. */
import { randomBytes } from 'node:crypto';
import type { FakeUsage } from './server.js';
import { DEFAULT_MAX_OUTPUT, planReply, textTokens, type ReplyPlan, type UsageDefaults } from './usage.js';

/** A finished response body: one JSON document, or SSE frames to send in order. */
export type Rendered = { kind: 'json'; body: string } | { kind: 'sse'; frames: string[] };

/** A validated request, ready to render once its usage is known. */
export interface Draft extends UsageDefaults {
  model: string;
  stream: boolean;
  maxOutputTokens: number | undefined;
  render(usage: FakeUsage): Rendered;
}

/** The request was well-formed JSON but not a valid call: answer 400. */
export interface BadRequest {
  bad: string;
  param?: string;
}

/** Turns a parsed request body into a draft or a 400. */
export type Drafter = (body: Record<string, unknown>) => Draft | BadRequest;

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A positive integer setting (max tokens, n, dimensions), or undefined when absent or nonsense. */
export function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}

/** Seconds since the epoch, as the APIs' `created` fields. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

// A per-process salt keeps ids unique across servers; a counter keeps them cheap.
const ID_SALT = randomBytes(5).toString('hex');
let idSeq = 0;

/** A fresh provider-style id such as `chatcmpl-sim…`. */
export function newId(prefix: string): string {
  idSeq += 1;
  return `${prefix}sim${ID_SALT}${idSeq.toString(36)}`;
}

/**
 * The text of a message's content: a string, or an array of parts.
 * With `withToolData`, tool results and tool inputs count too (they are input tokens);
 * without, only the `text` parts (what the user actually said).
 */
export function textOf(content: unknown, withToolData = true): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    let text = '';
    if (typeof part === 'string') text = part;
    else if (isRecord(part)) {
      if (typeof part.text === 'string') text = part.text;
      else if (withToolData) text = toolDataOf(part);
    }
    if (text !== '') out = out === '' ? text : `${out} ${text}`;
  }
  return out;
}

function toolDataOf(part: Record<string, unknown>): string {
  if (part.content !== undefined) return textOf(part.content);
  if (typeof part.output === 'string') return part.output;
  if (part.input !== undefined) return JSON.stringify(part.input) ?? '';
  return '';
}

/** A tool the fake model may call: its name and JSON-schema parameters. */
export interface ToolSpec {
  name: string;
  schema: unknown;
}

/** What one choice answers: text, or a call to a tool. */
export type Answer =
  | { kind: 'text'; reply: ReplyPlan; tokens: number }
  | { kind: 'tool'; name: string; input: Record<string, unknown>; args: string; tokens: number };

/** The answer for a request: call `tool` when given, else reply to `userText`. */
export function planAnswer(tool: ToolSpec | undefined, userText: string, maxOutputTokens: number | undefined): Answer {
  if (!tool) {
    const reply = planReply(userText, maxOutputTokens);
    return { kind: 'text', reply, tokens: reply.tokens };
  }
  const input = fakeToolInput(tool.schema, userText);
  const args = JSON.stringify(input);
  const tokens = Math.min(maxOutputTokens ?? DEFAULT_MAX_OUTPUT, Math.max(1, textTokens(tool.name + args)));
  return { kind: 'tool', name: tool.name, input, args, tokens };
}

/** Arguments satisfying the schema's required properties, filled from the user's words. */
export function fakeToolInput(schema: unknown, userText: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (!isRecord(schema) || !Array.isArray(schema.required)) return input;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const key of schema.required) {
    // Schema keys are user text: read own properties only, and define (a "__proto__" key must stay a key).
    if (typeof key !== 'string') continue;
    const value = fakeValue(Object.hasOwn(properties, key) ? properties[key] : undefined, userText);
    Object.defineProperty(input, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return input;
}

function fakeValue(property: unknown, userText: string): unknown {
  if (!isRecord(property)) return snippet(userText);
  if (Array.isArray(property.enum) && property.enum.length > 0) return property.enum[0];
  const declared = Array.isArray(property.type) ? property.type.find((t) => t !== 'null') : property.type;
  switch (declared) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return fakeToolInput(property, userText);
    case 'null':
      return null;
    default:
      return snippet(userText);
  }
}

/** A short string from the user's text, so the tool call looks related to the question. */
function snippet(userText: string): string {
  const words = userText.slice(0, 200).split(/\s+/).filter((w) => w !== '').slice(0, 5);
  return words.length > 0 ? words.join(' ') : 'simulated';
}
