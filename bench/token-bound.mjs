// Times the exact input bound (bench/README): load is measured by the hook on first use; this is the counting itself.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { openAiInputTokensBound } from '../dist/hook/token-bound.js';
const AS = { disallowedSpecial: new Set() };
const para = 'The quick brown fox reports on grid storage, 电网规模电池储能, and {"json": [1,2,3]}. ';
for (const kb of [2, 100, 1000]) {
  const content = para.repeat(Math.ceil(kb * 1024 / Buffer.byteLength(para)));
  const body = { model: 'gpt-4o', messages: [{ role: 'user', content }] };
  openAiInputTokensBound('chat.completions', body, (t) => countTokens(t, AS));
  const t = performance.now(); const n = openAiInputTokensBound('chat.completions', body, (t) => countTokens(t, AS)); const ms = performance.now() - t;
  console.log(`${kb} KB: ${n} tokens bound in ${ms.toFixed(2)} ms (byte bound ${Buffer.byteLength(JSON.stringify(body))})`);
}
