import { HttpError } from './http-error.js';

/** A whole number from the query string within [min, max], `fallback` when absent; anything else is a 400. */
export function intParam(query: URLSearchParams, name: string, o: { fallback: number; min: number; max: number }): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return o.fallback;
  // Number('') is 0 and Number(' 1') is 1: only plain digits (and a sign) are a number here.
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < o.min || value > o.max) {
    throw new HttpError(400, `${name} must be a whole number from ${o.min} to ${o.max}, got "${raw}"`);
  }
  return value;
}

/** One of `allowed` from the query string, `fallback` when absent; anything else is a 400. */
export function enumParam<T extends string, F extends T | null>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: F): T | F {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const found = allowed.find((a) => a === raw);
  if (found === undefined) throw new HttpError(400, `${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return found;
}

/** A free-text filter from the query string (trimmed), or null when absent or blank. */
export function textParam(query: URLSearchParams, name: string, maxLength = 200): string | null {
  const raw = query.get(name)?.trim() ?? '';
  if (raw.length > maxLength) throw new HttpError(400, `${name} is longer than ${maxLength} characters`);
  return raw === '' ? null : raw;
}
