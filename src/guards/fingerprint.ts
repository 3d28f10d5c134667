import { createHash } from 'node:crypto';

/** JSON with object keys sorted: the same value always gives the same text, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A tool call's identity: its name and its arguments, normalised (a JSON string is parsed; key order and whitespace do not count). */
export function fingerprintToolCall(name: string, args: unknown): string {
  let value = args;
  if (typeof args === 'string') {
    try { value = JSON.parse(args); } catch { value = args.trim(); }
  }
  return hash(`tool\n${name}\n${canonicalJson(value)}`);
}

/** Fields that change how an answer is delivered or tracked, not what is asked. */
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'parallel_tool_calls']);

/** A request's identity: what it asks of which model, whatever the delivery options. */
export function fingerprintRequest(provider: string, endpoint: string, body: Record<string, unknown>): string {
  const asked = Object.fromEntries(Object.entries(body).filter(([key]) => !IGNORED.has(key)));
  return hash(`request\n${provider}\n${endpoint}\n${canonicalJson(asked)}`);
}
