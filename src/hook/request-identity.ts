import { createHash } from 'node:crypto';
import { NOT_MEANING } from '../guards/fingerprint.js';
import type { LlmRequest } from './providers/types.js';

/**
 * What a request asks, for loop detection: provider, endpoint and the body without its
 * delivery options (stream, user, metadata…). Key order is left as written: a looping script
 * writes its requests the same way each time, and a native stringify keeps this off the
 * per-call budget (a canonical form would cost a walk of the whole body).
 */
export function requestFingerprint(request: LlmRequest): string {
  const asked: Record<string, unknown> = {};
  for (const key of Object.keys(request.json)) if (!NOT_MEANING.has(key)) asked[key] = request.json[key];
  return createHash('sha256').update(`${request.provider}\n${request.endpoint}\n${JSON.stringify(asked)}`).digest('hex');
}

/** Identity of a request for journal replay: the same provider, endpoint and body. */
export function requestKey(request: LlmRequest, text: string): string {
  return createHash('sha256').update(`${request.provider}\n${request.endpoint}\n${text}`).digest('hex');
}
