import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

// Every call: 100 input and 10 output tokens. gpt-4o-mini: 100 × 150 + 10 × 600 nano; claude-3-5-haiku: 100 × 800 + 10 × 4,000.
const cases: Array<[string, string[], number]> = [
  ['openai', ['stop', 'stop', 'broken off', 'lookup'], 21_000],
  ['openai-v7', ['stop', 'stop', 'broken off', 'lookup'], 21_000],
  ['anthropic', ['end_turn', 'end_turn', 'broken off', 'lookup'], 120_000],
];

describe('the SDK majors people install, on this Node', () => {
  for (const [sdk, answers, nano] of cases) {
    it(`${sdk}: plain, streamed to the end, broken off, tool call — each exact to the nano-dollar`, async () => {
      provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
      const db = path.join(tempDir(), 'wflo.db');
      const result = await wflo(['run', path.join(FIXTURES, 'sdk-majors.mjs'), '--budget', '1', '--db', db, '--', sdk], { env: providerEnv(provider) });
      expect(result.exitCode).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(answers);
      expect(provider.billed).toHaveLength(4);
      const { runs, calls } = readDb(db);
      expect(calls.map((c) => [c.stream, c.status, c.estimated, c.cost_nano])).toEqual([[0, 'ok', 0, nano], [1, 'ok', 0, nano], [1, 'ok', 0, nano], [0, 'ok', 0, nano]]);
      expect(runs[0]).toMatchObject({ status: 'completed', spent_nano: 4 * nano });
    });
  }
});
