import type { Endpoint, Provider } from '../protocol/messages.js';

export interface Target {
  provider: Provider;
  endpoint: Endpoint;
}

/** Path endings of the metered endpoints, whatever the base URL (any OpenAI-compatible server). */
const OPENAI_PATHS: ReadonlyArray<[string, Endpoint]> = [
  ['/chat/completions', 'chat.completions'],
  ['/completions', 'completions'],
  ['/responses', 'responses'],
  ['/embeddings', 'embeddings'],
];

/** The value of header `name` (lower case) in a fetch's headers, whatever their form, without building a Headers; null when absent. */
export function headerValue(headers: HeadersInit | undefined, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  const values = pairs.filter(([key]) => key?.toLowerCase() === name).map(([, value]) => String(value));
  return values.length === 0 ? null : values.join(', ');
}

export function headerOf(headers: HeadersInit | undefined, name: string): boolean {
  if (!headers) return false;
  if (headers instanceof Headers) return headers.has(name);
  if (Array.isArray(headers)) return headers.some(([key]) => key?.toLowerCase() === name);
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/**
 * The path the request will actually be sent to, as fetch's WHATWG URL parser makes it: dot
 * segments resolved (`/chat/./completions`), fragment and query gone, trailing slashes trimmed.
 * Null when fetch would reject the URL anyway.
 */
export function sentPath(url: string): string | null {
  // Only what the parser would change needs it: most URLs are already plain.
  if (!/[#?]|\/\.|%|\\|\s/.test(url)) {
    const start = url.indexOf('/', url.indexOf('//') + 2);
    if (start > 0) return url.slice(start).replace(/\/+$/, '');
  }
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/**
 * Billable endpoints wflo cannot price (images, audio, batches, fine-tuning, realtime, …):
 * refused under a budget. Decided by path, whatever the host: a gateway or proxy in
 * OPENAI_BASE_URL / ANTHROPIC_BASE_URL forwards them to the same bill. The path must sit under
 * `/v1/` (or Azure's `/openai/…`), so an application's own `/batches` is left alone.
 */
const UNMETERED = /\/(?:v1|openai(?:\/deployments\/[^/]+)?)\/(?:images\/|audio\/|batches$|messages\/batches|fine_tuning\/|realtime|videos|responses\/compact$|threads\/(?:[^/]+\/)?runs|evals|containers|complete$)/;

/** True for a call wflo cannot meter that a provider would bill. */
export function isUnmeteredBillable(url: string, method: string): boolean {
  if (method.toUpperCase() !== 'POST') return false;
  const path = sentPath(url);
  return path !== null && UNMETERED.test(path);
}

/** Recognises an LLM call from its method, URL and headers; null for everything else (passed through untouched). */
export function detectTarget(url: string, method: string, headers: HeadersInit | undefined): Target | null {
  if (method.toUpperCase() !== 'POST') return null;
  const path = sentPath(url);
  if (path === null) return null;
  return targetOfPath(path, headerOf(headers, 'anthropic-version'));
}

/** The LLM endpoint a request path ends with, if any. */
export function targetOfPath(path: string, anthropicHeader: boolean): Target | null {
  // OpenAI's assistants API also has POST …/messages: Anthropic's clients always send anthropic-version.
  if (path.endsWith('/messages') && anthropicHeader) return { provider: 'anthropic', endpoint: 'messages' };
  for (const [ending, endpoint] of OPENAI_PATHS) {
    if (path.endsWith(ending)) return { provider: 'openai', endpoint };
  }
  return null;
}
