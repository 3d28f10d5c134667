import { CheckpointStateError } from './errors.js';

/** Strings that look like credentials never reach the store. */
const SECRET = /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})\b|\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/g;
export const REDACTED = '[REDACTED]';

function redact(text: string): string {
  return text.length >= 20 ? text.replace(SECRET, REDACTED) : text;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return 'a BigInt';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (value === undefined) return 'undefined';
  const name = (value as object).constructor?.name;
  return name ? `an instance of ${name}` : 'a non-plain object';
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A validated copy of `value`: JSON data only, secrets redacted. Throws CheckpointStateError naming the path. */
export function cleanState(value: unknown, path = 'state', seen = new Set<object>()): unknown {
  switch (typeof value) {
    case 'string': return redact(value);
    case 'boolean': return value;
    case 'number':
      if (!Number.isFinite(value)) throw new CheckpointStateError(path, `it is ${describe(value)}, which JSON cannot hold`);
      return value;
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) throw new CheckpointStateError(path, 'it refers back to itself (a cycle)');
      seen.add(value);
      let copy: unknown;
      if (Array.isArray(value)) {
        copy = value.map((item, i) => {
          if (item === undefined) throw new CheckpointStateError(`${path}[${i}]`, 'it is undefined (JSON would turn it into null)');
          return cleanState(item, `${path}[${i}]`, seen);
        });
      } else if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
          // An undefined property is simply absent, as in JSON.
          if (item !== undefined) out[key] = cleanState(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, seen);
        }
        copy = out;
      } else {
        throw new CheckpointStateError(path, `it is ${describe(value)}, which would not come back the same from JSON`);
      }
      seen.delete(value);
      return copy;
    }
    default:
      throw new CheckpointStateError(path, `it is ${describe(value)}`);
  }
}

/** The state as JSON text, and (for a plain object) each top-level key's JSON, for deltas. */
export interface EncodedState {
  json: string;
  keys: Map<string, string> | null;
}

export function encodeState(state: unknown): EncodedState {
  const clean = cleanState(state);
  if (clean === null || typeof clean !== 'object' || Array.isArray(clean)) return { json: JSON.stringify(clean), keys: null };
  const keys = new Map<string, string>();
  for (const [key, value] of Object.entries(clean)) keys.set(key, JSON.stringify(value));
  const json = `{${[...keys].map(([key, text]) => `${JSON.stringify(key)}:${text}`).join(',')}}`;
  return { json, keys };
}

/** The keys that changed since `before`, as delta JSON; null when a delta would not be worth it. */
export function deltaJson(before: Map<string, string>, after: Map<string, string>, fullSize: number): string | null {
  const set: string[] = [];
  const del: string[] = [];
  let size = 0;
  for (const [key, text] of after) {
    if (before.get(key) !== text) { set.push(`${JSON.stringify(key)}:${text}`); size += text.length; }
  }
  for (const key of before.keys()) if (!after.has(key)) del.push(JSON.stringify(key));
  if (size * 2 > fullSize) return null;
  return `{"set":{${set.join(',')}},"del":[${del.join(',')}]}`;
}
