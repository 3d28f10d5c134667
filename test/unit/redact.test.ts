import { describe, expect, it } from 'vitest';
import { redact, redactArguments, redactJson } from '../../src/protocol/redact.js';
import { encodeState } from '../../src/sdk/state-encoding.js';

const SECRET = 'abcdefghijklmnopqrstuvwx1234';
const KEY = `sk-proj-${SECRET}`;

describe('redaction', () => {
  it('finds keys after newlines, tabs, underscores, = and quotes in decoded strings and in JSON text', () => {
    for (const text of [`a\n${KEY}`, `a\t${KEY}`, `OPENAI_${KEY}`, `OPENAI_API_KEY=${KEY}`, `x\u000b${KEY}`, `say "${KEY}"`, `\\n${KEY}`, KEY,
      `line\nBearer ${SECRET}`, `Authorization: Bearer\t${SECRET}`, `_Bearer\n${SECRET}`]) {
      expect(redact(text)).not.toContain(SECRET);
      expect(redactJson(JSON.stringify({ [text]: [text] }))).not.toContain(SECRET);
    }
  });

  it('leaves words that merely contain "sk-" alone, and JSON with nothing key-shaped byte for byte', () => {
    expect(redact('risk-assessment-for-project-alpha-and-beta')).toBe('risk-assessment-for-project-alpha-and-beta');
    expect(redact(`task-${SECRET}`)).toBe(`task-${SECRET}`);
    const json = JSON.stringify({ a: 'risk-assessment\nfor project alpha', n: [1, 2.5, null, true], __proto__x: 'y' });
    expect(redactJson(json)).toBe(json);
  });

  it('checkpoint states: keys in nested values and in keys, after escapes, are gone from the stored JSON', () => {
    const state = JSON.parse(`{"__proto__": "${KEY}"}`) as object;
    const { json } = encodeState({ notes: `line one\n${KEY}`, env: { token: `\t${KEY}` }, list: [`_${KEY}`], [`\n${KEY}`]: { [`=${KEY}`]: 1 }, own: state });
    expect(json).not.toContain(SECRET);
    expect(JSON.parse(json)).toEqual({ notes: 'line one\n[REDACTED]', env: { token: '\t[REDACTED]' }, list: ['_[REDACTED]'],
      '\n[REDACTED]': { '=[REDACTED]': 1 }, own: JSON.parse('{"__proto__": "[REDACTED]"}') as object });
  });

  it('script arguments: keys, secret-looking assignments and the value after a secret-named flag, whatever they look like', () => {
    expect(redactArguments([KEY, `--api-key=${KEY}`, 'DB_PASSWORD=hunter2', '--token=abc', '--api-key', 'plain', '-p', 'x', '--topic', 'solar']))
      .toEqual(['[REDACTED]', '--api-key=[REDACTED]', 'DB_PASSWORD=[REDACTED]', '--token=[REDACTED]', '--api-key', '[REDACTED]', '-p', 'x', '--topic', 'solar']);
  });
});
