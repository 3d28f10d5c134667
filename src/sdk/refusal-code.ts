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
