/**
 * Network error codes that mean the connection or the wait failed, not the request itself:
 * Node's socket errors, undici's, and the names a timeout is thrown under. DNS "not found" is
 * left out on purpose: a wrong host name does not heal by waiting.
 */
const TRANSIENT_ERROR_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'TIMEOUT', 'TIMEOUTERROR',
]);

/** Statuses that say the provider is busy or in trouble: request timeout, rate limit, any 5xx. */
export function isTransientStatus(httpStatus: number): boolean {
  return httpStatus === 408 || httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599);
}

/**
 * Whether a failed call failed for a reason that may pass: a transient status, or, with no
 * error status (no response, or a stream cut after a 200), a connection error or timeout.
 * A request's own fault (400, 401, 403, 404, 422) never is, whatever error code comes with it.
 */
export function isTransientFailure(httpStatus: number | null, errorCode: string | null): boolean {
  if (httpStatus !== null && httpStatus >= 400) return isTransientStatus(httpStatus);
  return errorCode !== null && TRANSIENT_ERROR_CODES.has(errorCode.toUpperCase());
}
