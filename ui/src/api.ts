// The dashboard reads the same JSON API scripts can use (GET only); its types are the ones the server builds.
export type {
  CallJson, CallOutcome, CallPageJson, CallSort, CheckpointDetailJson, CheckpointJson, CircuitJson, DeadLetterJson,
  InfoJson, MarkerJson, MarkerKind, RunDetailJson, RunJson, RunStatusJson, TimelineJson,
} from '../../src/json/types.js';

/** An API answer other than 2xx, with the server's one-line message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

function errorText(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  return `HTTP ${status}`;
}

/** GETs an API path and returns its JSON (typed by the caller: the server's shapes). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<{ body: T; total: number | null }> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, errorText(body, res.status));
  const total = res.headers.get('x-total-count');
  return { body: body as T, total: total === null ? null : Number(total) };
}
