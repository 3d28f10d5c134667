/**
 * Strings that look like credentials never reach the store. The pattern runs over JSON text
 * (the fast path of checkpoints) as well as plain strings, so a key may follow a JSON escape
 * (`\n`, `\t`, `\u000b`) as well as any character that is not a letter or a digit (`_`, `=`).
 */
const BEFORE = String.raw`(?<=^|[^A-Za-z0-9]|\\[nrtbf]|\\u[0-9A-Fa-f]{4})`;
const SECRET = new RegExp(`${BEFORE}(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})(?![A-Za-z0-9])`
  + String.raw`|\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*`, 'g');
/** In command lines: `API_KEY=…`, `--token=…`, whatever the value looks like. */
const SECRET_ASSIGNMENT = /\b([A-Za-z0-9_-]*(?:api[_-]?key|token|secret|password|passwd)[A-Za-z0-9_-]*=)[^\s'"]+/gi;
export const REDACTED = '[REDACTED]';

/** `text` with every credential-like string replaced by [REDACTED]. */
export function redact(text: string): string {
  return text.length >= 20 ? text.replace(SECRET, REDACTED) : text;
}

/** A script argument as stored: credentials and secret-looking assignments redacted. */
export function redactArgument(arg: string): string {
  return redact(arg).replace(SECRET_ASSIGNMENT, `$1${REDACTED}`);
}
