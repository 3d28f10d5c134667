import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted: the same value always gives the same text, whatever the key
 * order or whitespace it came with. Numbers are written as JSON writes them (1.0 is 1).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object') {
    // A Date and the like say what they mean through toJSON; a plain object by its entries.
    if ('toJSON' in value && typeof value.toJSON === 'function') return canonicalJson(value.toJSON());
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A tool call's identity (sha256 hex): its name and its arguments, normalised. Models send
 * arguments as a JSON string, so a string is parsed first; key order and whitespace do not count.
 */
export function fingerprintToolCall(name: string, args: unknown): string {
  let value = args;
  if (typeof args === 'string') {
    try { value = JSON.parse(args) as unknown; } catch { value = args.trim(); }
  }
  return hash(`tool\n${name}\n${canonicalJson(value)}`);
}

/**
 * Fields that change how an answer is delivered, tracked or billed, not what is asked: a
 * request resent with only these changed asks the same thing again.
 */
export const NOT_MEANING: ReadonlySet<string> = new Set([
  'stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'parallel_tool_calls',
  'prompt_cache_key', 'safety_identifier',
]);

/**
 * A request's identity (sha256 hex): provider, endpoint and everything in the body that shapes
 * the answer (model, messages or input, system, tools, sampling), whatever the delivery options.
 * Sampling settings count on purpose: a request retried at another temperature is a deliberate
 * variation, and a false loop stops the user's run.
 */
export function fingerprintRequest(provider: string, endpoint: string, body: unknown): string {
  const asked = body !== null && typeof body === 'object' && !Array.isArray(body)
    ? Object.fromEntries(Object.entries(body).filter(([key]) => !NOT_MEANING.has(key)))
    : body;
  return hash(`request\n${provider}\n${endpoint}\n${canonicalJson(asked)}`);
}
