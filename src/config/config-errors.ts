import type { ErrorObject } from 'ajv';

/** A JSON pointer (/retry/maxAttempts) as a dotted path (retry.maxAttempts). */
function dotted(pointer: string): string {
  return pointer.slice(1).split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~')).join('.');
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** One schema error as people read it: the setting's path, then what is wrong with it. */
function describe(e: ErrorObject): string {
  const at = dotted(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': return `${join(at, String(p.additionalProperty))}: unknown setting`;
    case 'required': return `${join(at, String(p.missingProperty))}: is required`;
    case 'enum': return `${at}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type': return `${at || '(top level)'}: must be ${p.type === 'integer' ? 'a whole number' : p.type === 'object' ? 'an object' : `a ${String(p.type)}`}`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return `${at}: must be ${String(p.comparison)} ${String(p.limit)}`;
    default: return `${at || '(top level)'}: ${e.message ?? 'is invalid'}`;
  }
}

/** Every schema error of a config file, by path, each once. */
export function configErrors(errors: readonly ErrorObject[]): string[] {
  return [...new Set(errors.map(describe))];
}
