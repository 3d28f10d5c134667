/** Finds wflo's refusal code on an error thrown by any SDK built on fetch (or on its cause). */
export function refusalCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const e = err as { headers?: unknown; responseHeaders?: unknown; cause?: unknown };
  const headers = e.headers ?? e.responseHeaders;
  let code: unknown;
  if (headers instanceof Headers) code = headers.get('x-wflo-refusal');
  else if (typeof headers === 'object' && headers !== null) code = (headers as Record<string, unknown>)['x-wflo-refusal'];
  return typeof code === 'string' ? code : refusalCode(e.cause, depth + 1);
}

/** The facts wflo attached to a refusal (x-wflo-details: URI-encoded JSON), found like the code; {} when none. */
export function refusalDetails(err: unknown, depth = 0): Record<string, unknown> {
  if (typeof err !== 'object' || err === null || depth > 4) return {};
  const e = err as { headers?: unknown; responseHeaders?: unknown; cause?: unknown };
  const headers = e.headers ?? e.responseHeaders;
  let text: unknown;
  if (headers instanceof Headers) text = headers.get('x-wflo-details');
  else if (typeof headers === 'object' && headers !== null) text = (headers as Record<string, unknown>)['x-wflo-details'];
  if (typeof text !== 'string') return refusalDetails(e.cause, depth + 1);
  try {
    const value: unknown = JSON.parse(decodeURIComponent(text));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
  } catch {
    return {};
  }
}
