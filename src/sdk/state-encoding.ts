import { CheckpointStateError } from './errors.js';

import { redact, redactJson, REDACTED } from '../protocol/redact.js';

export { REDACTED };

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

/** A validated copy of `value`: JSON data only, secrets redacted. Throws CheckpointStateError naming the path. Slow: used to explain a refusal. */
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
          if (item === undefined) continue;
          const value = cleanState(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, seen);
          // defineProperty: a key named "__proto__" stays an own property.
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
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

/** Finds what JSON would silently drop or change (functions, NaN, class instances, holes); throws naming it. */
function checkData(value: unknown, path: string): void {
  switch (typeof value) {
    case 'string': case 'boolean': return;
    case 'number': if (!Number.isFinite(value)) cleanState(value, path); return;
    case 'object': {
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined || (typeof item === 'object' && item !== null) || typeof item === 'number' || typeof item === 'function') checkData(item, `${path}[${i}]`);
        }
        return;
      }
      if (!isPlainObject(value)) cleanState(value, path);
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined && typeof item !== 'string' && typeof item !== 'boolean') checkData(item, `${path}.${key}`);
      }
      return;
    }
    default: cleanState(value, path);
  }
}

/** JSON text of a value that must be JSON data; a value that is not gets the precise error. */
function stringifyData(value: unknown, path: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    // Cycles and BigInt throw a TypeError: name the culprit.
    cleanState(value, path);
    throw err;
  }
  // Serialised fine, so no cycles: a plain walk finds what JSON would have dropped silently.
  checkData(value, path);
  if (text === undefined) cleanState(value, path);
  return text ?? 'null';
}

/** The state as JSON text, and (for a plain object) each top-level key's JSON, for deltas. */
export interface EncodedState {
  json: string;
  /** Each key's value and its JSON as serialised (before redaction), to spot changes next time. */
  raw: Map<string, { value: unknown; text: string }> | null;
  /** Each key's JSON as stored (redacted). */
  keys: Map<string, string> | null;
}

/**
 * Serialises, checks and redacts a state. Given the previous state's key texts, unchanged
 * keys reuse their redacted text: the work that grows with the state is one JSON.stringify
 * and one scan for key-shaped text (only a value holding one is decoded and redacted).
 */
export function encodeState(state: unknown, previous?: { raw: Map<string, { value: unknown; text: string }>; keys: Map<string, string> }): EncodedState {
  if (state === null || typeof state !== 'object' || Array.isArray(state) || !isPlainObject(state)) {
    return { json: redactJson(stringifyData(state, 'state')), raw: null, keys: null };
  }
  const raw = new Map<string, { value: unknown; text: string }>();
  const keys = new Map<string, string>();
  const parts: string[] = [];
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    const before = previous?.raw.get(key);
    // A primitive that is the same as last time needs no work; objects may have changed inside.
    const same = before !== undefined && (typeof value !== 'object' || value === null) && Object.is(before.value, value);
    const text = same ? before.text : stringifyData(value, /^[A-Za-z_$][\w$]*$/.test(key) ? `state.${key}` : `state[${JSON.stringify(key)}]`);
    const stored = before?.text === text ? (previous?.keys.get(key) ?? redactJson(text)) : redactJson(text);
    raw.set(key, { value, text });
    keys.set(key, stored);
    parts.push(`${JSON.stringify(redact(key))}:${stored}`);
  }
  return { json: `{${parts.join(',')}}`, raw, keys };
}

/** The keys that changed since `before`, as delta JSON; null when a delta would not be worth it. */
export function deltaJson(before: Map<string, string>, after: Map<string, string>, fullSize: number): string | null {
  const set: string[] = [];
  const del: string[] = [];
  let size = 0;
  for (const [key, text] of after) {
    if (before.get(key) !== text) { set.push(`${JSON.stringify(redact(key))}:${text}`); size += text.length; }
  }
  for (const key of before.keys()) if (!after.has(key)) del.push(JSON.stringify(redact(key)));
  if (size * 2 > fullSize) return null;
  return `{"set":{${set.join(',')}},"del":[${del.join(',')}]}`;
}
