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

function headerOf(headers: HeadersInit | undefined, name: string): boolean {
  if (!headers) return false;
  if (headers instanceof Headers) return headers.has(name);
  if (Array.isArray(headers)) return headers.some(([key]) => key?.toLowerCase() === name);
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Billable endpoints of the official APIs that wflo cannot price: refused under a budget. */
const UNMETERED = /^https:\/\/api\.(?:openai|anthropic)\.com\/v1\/(?:images\/|audio\/|batches|messages\/batches|fine_tuning\/|realtime|videos|threads\/(?:[^/]+\/)?runs|evals|containers|complete\b)/;

/** True for a call wflo cannot meter that an official provider would bill. */
export function isUnmeteredBillable(url: string, method: string): boolean {
  return method.toUpperCase() === 'POST' && UNMETERED.test(url);
}

/** Recognises an LLM call from its method, URL and headers; null for everything else (passed through untouched). */
export function detectTarget(url: string, method: string, headers: HeadersInit | undefined): Target | null {
  if (method.toUpperCase() !== 'POST') return null;
  const query = url.indexOf('?');
  const path = (query === -1 ? url : url.slice(0, query)).replace(/\/+$/, '');
  // OpenAI's assistants API also has POST …/messages: Anthropic's clients always send anthropic-version.
  if (path.endsWith('/messages') && headerOf(headers, 'anthropic-version')) return { provider: 'anthropic', endpoint: 'messages' };
  for (const [ending, endpoint] of OPENAI_PATHS) {
    if (path.endsWith(ending)) return { provider: 'openai', endpoint };
  }
  return null;
}
