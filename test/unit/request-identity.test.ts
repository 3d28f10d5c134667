import { describe, expect, it } from 'vitest';
import { parseOpenAiRequest } from '../../src/hook/providers/openai.js';
import { requestFingerprint } from '../../src/hook/request-identity.js';

const fingerprint = (body: Record<string, unknown>): string => {
  const text = JSON.stringify(body);
  return requestFingerprint(parseOpenAiRequest('chat.completions', text, body), text);
};
const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Reply with "user": JSON.' }], max_tokens: 20 };

describe('requestFingerprint', () => {
  it('the same question is the same request, whatever its varying delivery options', () => {
    expect(fingerprint({ ...ask, user: 'a' })).toBe(fingerprint({ ...ask, user: 'b', metadata: { at: 2 } }));
    expect(fingerprint({ ...ask, user: 'a' })).toBe(fingerprint({ ...ask }));
    expect(fingerprint(ask)).toBe(fingerprint({ ...ask }));
  });

  it('another question, another model or other sampling is another request', () => {
    expect(fingerprint(ask)).not.toBe(fingerprint({ ...ask, messages: [{ role: 'user', content: 'Something else.' }] }));
    expect(fingerprint(ask)).not.toBe(fingerprint({ ...ask, model: 'gpt-4o' }));
    expect(fingerprint(ask)).not.toBe(fingerprint({ ...ask, temperature: 0.2 }));
  });
});
