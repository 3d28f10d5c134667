/**
 * Strings that look like credentials never reach the store. Matching runs over decoded string
 * values, never over JSON text (where a newline before a key is `\` + `n`, a letter): a key
 * counts after anything that is not a letter or a digit (`\n`, `\t`, `_`, `=`, a quote).
 */
const KEY = String.raw`(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})`;
const BEARER = String.raw`Bearer\s+[A-Za-z0-9._~+/-]{20,}=*`;
/** After a non-alphanumeric, or after an escape written out in the text (a string that holds JSON: `\\n`, `\\u000b`). */
const BEFORE = String.raw`(?<=^|[^A-Za-z0-9]|\\[nrtbfv]|\\u[0-9A-Fa-f]{4})`;
const SECRET = new RegExp(`${BEFORE}(?:${KEY}(?![A-Za-z0-9])|${BEARER})`, 'g');
/** Anything key-shaped anywhere in a text (JSON text: whitespace after Bearer may be an escape): only then is it decoded and walked. */
const CANDIDATE = new RegExp(`${KEY}|Bearer`);
/** In command lines: `API_KEY=…`, `--token=…`, whatever the value looks like. */
const SECRET_ASSIGNMENT = /\b([A-Za-z0-9_-]*(?:api[_-]?key|token|secret|password|passwd)[A-Za-z0-9_-]*=)[^\s'"]+/gi;
/** A flag whose next argument is a secret: `--api-key sk-…`, `--password hunter2`. */
const SECRET_FLAG = /^--?[A-Za-z0-9_-]*(?:api[_-]?key|token|secret|password|passwd)[A-Za-z0-9_-]*$/i;
export const REDACTED = '[REDACTED]';

/** `text` (a decoded string) with every credential-like string replaced by [REDACTED]. */
export function redact(text: string): string {
  return text.length >= 20 ? text.replace(SECRET, REDACTED) : text;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: a key named "__proto__" stays an own property, as JSON.parse made it.
    Object.defineProperty(out, redact(key), { value: redactValue(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * JSON text with every string in it (keys and values) redacted after decoding. Text with
 * nothing key-shaped in it is returned as it is: the common case costs one scan.
 */
export function redactJson(json: string): string {
  return CANDIDATE.test(json) ? JSON.stringify(redactValue(JSON.parse(json))) : json;
}

/**
 * Script arguments as stored: credentials redacted, secret-looking assignments (`API_KEY=…`)
 * and the value after a secret-named flag (`--api-key …`) redacted whatever they look like.
 */
export function redactArguments(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    const previous = args[i - 1];
    if (previous !== undefined && SECRET_FLAG.test(previous)) return REDACTED;
    return redact(arg).replace(SECRET_ASSIGNMENT, `$1${REDACTED}`);
  });
}

/** True when a stored argument list had something redacted (it cannot be replayed as it is). */
export function hasRedacted(args: readonly string[]): boolean {
  return args.some((arg) => arg.includes(REDACTED));
}
