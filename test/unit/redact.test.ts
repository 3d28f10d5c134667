import { describe, expect, it } from 'vitest';
import { redact, redactArgument } from '../../src/protocol/redact.js';
import { encodeState } from '../../src/sdk/state-encoding.js';

const KEY = 'sk-proj-abcdefghijklmnopqrstuvwx1234';

describe('redaction', () => {
  it('finds keys after newlines, tabs, underscores and = in decoded text and in JSON text', () => {
    for (const text of [`a\n${KEY}`, `a\t${KEY}`, `OPENAI_${KEY}`, `OPENAI_API_KEY=${KEY}`, `x\u000b${KEY}`, KEY]) {
      expect(redact(text)).not.toContain('abcdefghijklmnopqrstuvwx');
      expect(redact(JSON.stringify(text))).not.toContain('abcdefghijklmnopqrstuvwx');
    }
  });

  it('leaves words that merely contain "sk-" alone', () => {
    expect(redact('risk-assessment-for-project-alpha-and-beta')).toBe('risk-assessment-for-project-alpha-and-beta');
    expect(redact('task-abcdefghijklmnopqrstuvwxyz')).toBe('task-abcdefghijklmnopqrstuvwxyz');
  });

  it('checkpoint states: keys in nested values after escapes are gone from the stored JSON', () => {
    const { json } = encodeState({ notes: `line one\n${KEY}`, env: { token: `\t${KEY}` }, list: [`_${KEY}`] });
    expect(json).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(JSON.parse(json)).toEqual({ notes: 'line one\n[REDACTED]', env: { token: '\t[REDACTED]' }, list: ['_[REDACTED]'] });
  });

  it('script arguments: keys, and secret-looking assignments whatever their value', () => {
    expect([KEY, `--api-key=${KEY}`, 'DB_PASSWORD=hunter2', '--token=abc', '--topic', 'solar'].map(redactArgument))
      .toEqual(['[REDACTED]', '--api-key=[REDACTED]', 'DB_PASSWORD=[REDACTED]', '--token=[REDACTED]', '--topic', 'solar']);
  });
});
