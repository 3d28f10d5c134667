import { asObject, type Json } from './providers/types.js';

/** How much of the last message a dead letter keeps. */
const EXCERPT_CHARS = 200;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => {
    const p = asObject(part);
    return typeof p?.text === 'string' ? p.text : typeof p?.input_text === 'string' ? p.input_text : '';
  }).filter((t) => t !== '').join(' ');
}

/**
 * What a dead letter says about the request it gave up on: enough to recognise and resend it
 * (model, how many messages, which tools, the start of the last message), not the whole
 * prompt. The supervisor redacts it before storing.
 */
export function requestSummary(body: Json): string {
  const items = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : typeof body.input === 'string' ? [{ content: body.input }] : [];
  const last = asObject(items.at(-1));
  const tools = (Array.isArray(body.tools) ? body.tools : []).map((t) => {
    const tool = asObject(t);
    return typeof tool?.name === 'string' ? tool.name : typeof asObject(tool?.function)?.name === 'string' ? String(asObject(tool?.function)?.name) : null;
  }).filter((n): n is string => n !== null);
  const excerpt = textOf(last?.content ?? (typeof body.prompt === 'string' ? body.prompt : ''));
  return JSON.stringify({
    model: body.model, messages: items.length, ...(tools.length > 0 ? { tools } : {}),
    ...(last && typeof last.role === 'string' ? { lastRole: last.role } : {}),
    last: excerpt.length > EXCERPT_CHARS ? `${excerpt.slice(0, EXCERPT_CHARS)}…` : excerpt,
  });
}
