import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type BilledCall, type FakeProvider, type FakeProviderOptions } from '../src/simulator/server.js';
import { BIN, FIXTURES, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider | undefined;
afterEach(async () => { await provider?.close(); provider = undefined; });

/** gpt-4o-mini at 100 in / 10 out: 100 × 150 + 10 × 600 nano. */
const CHAT_NANO = 21_000;
/** claude-3-5-haiku-latest at 100 in / 10 out: 100 × 800 + 10 × 4000 nano. */
const HAIKU_NANO = 120_000;

async function run(fixture: string, args: string[], budget: string | null, options: FakeProviderOptions = {}) {
  provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 }, ...options });
  const db = path.join(tempDir(), 'wflo.db');
  const result = await wflo(['run', path.join(FIXTURES, fixture), ...(budget ? ['--budget', budget] : []), '--db', db, '--', ...args], { env: providerEnv(provider) });
  return { ...result, ...readDb(db), provider };
}

const escapes = (kind: string, budget: string | null = '1', extra: string[] = []) => run('meter-escapes.mjs', [kind, ...extra], budget);
const warnings = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('wflo: warning:'));

/** What the provider billed, priced independently of wflo (gpt-4o-mini). */
function billedNano(billed: BilledCall[]): number {
  return billed.reduce((sum, b) => sum + b.usage.inputTokens * 150 + b.usage.outputTokens * 600, 0);
}

describe('no way around the meter', () => {
  it('a worker thread given its own env is still metered', async () => {
    const r = await escapes('worker-own-env');
    expect(r.stdout).toBe('worker 110');
    expect(r.exitCode).toBe(0);
    expect(r.calls.map((c) => [c.status, c.cost_nano])).toEqual([['ok', CHAT_NANO]]);
    expect(r.runs[0]?.spent_nano).toBe(CHAT_NANO);
  });

  it('a child that blanks wflo\'s variables is metered; one started by `env -i` is named in a warning', async () => {
    const r = await escapes('blanked-child');
    expect(r.stdout.split('\n')).toEqual(['blanked 110', 'cleared 110']);
    expect(r.exitCode).toBe(0);
    // The blanked child is metered; the env -i one reached the provider unseen, and the run says so.
    expect(r.provider.billed).toHaveLength(2);
    expect(r.calls.map((c) => [c.status, c.cost_nano])).toEqual([['ok', CHAT_NANO]]);
    const lines = warnings(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/started `sh -c env -i PATH=.* call cleared`, which clears wflo's variables/);
  });

  it('a nested `wflo run` joins the outer run: its calls count against the outer budget', async () => {
    const r = await escapes('nested-wflo', '1', [BIN]);
    expect(r.stdout).toBe('nested 110');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`wflo: joined run ${r.runs[0]?.id}: .*meter-escapes.mjs is metered by it .*--budget ignored`));
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]).toMatchObject({ status: 'completed', spent_nano: CHAT_NANO });
    expect(r.calls.map((c) => [c.status, c.cost_nano])).toEqual([['ok', CHAT_NANO]]);
  });

  it('programs that are not Node: one warning per run under a budget, none without', async () => {
    const budgeted = await escapes('non-node');
    expect(budgeted.stdout).toBe('ran python3 and curl');
    expect(warnings(budgeted.stderr)).toEqual([
      expect.stringMatching(/^wflo: warning: process \d+: started `python3 -c pass`: python3 is not a Node program, so wflo cannot meter/),
    ]);
    await provider?.close();
    const free = await escapes('non-node', null);
    expect(warnings(free.stderr)).toEqual([]);
  });

  it('reads the endpoint from the URL fetch sends: dot segments, fragments, escapes', async () => {
    const r = await escapes('urls');
    expect(r.stdout.split('\n')).toEqual(['url 200', 'url 200', 'url 200']);
    expect(r.provider.billed).toHaveLength(3);
    expect(r.calls.map((c) => [c.endpoint, c.status, c.cost_nano])).toEqual(Array(3).fill(['chat.completions', 'ok', CHAT_NANO]));
  });

  it('meters gzip-compressed request bodies, plain and streamed (the usage it asks for re-compressed)', async () => {
    const r = await escapes('gzip');
    expect(r.stdout).toBe('gzip 110 true');
    expect(r.exitCode).toBe(0);
    expect(r.provider.billed.map((b) => b.stream)).toEqual([false, true]);
    expect(r.calls.map((c) => [c.stream, c.status, c.cost_nano])).toEqual([[0, 'ok', CHAT_NANO], [1, 'ok', CHAT_NANO]]);
  });

  it('node:http LLM calls are refused under a budget, warned about without one', async () => {
    const budgeted = await escapes('node-http');
    expect(budgeted.stdout).toMatch(/^http error wflo: refused POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: LLM calls through node:http\/https cannot be metered/);
    expect(budgeted.provider.requestCount()).toBe(0);
    expect(warnings(budgeted.stderr)).toHaveLength(1);
    await provider?.close();
    const free = await escapes('node-http', null);
    expect(free.stdout).toBe('http status 200');
    expect(free.provider.billed).toHaveLength(1);
    expect(warnings(free.stderr)).toEqual([expect.stringMatching(/went through node:http\/https: wflo cannot meter it/)]);
  });

  it('unpriced endpoints are refused by path, behind a gateway too', async () => {
    const r = await escapes('gateway-images');
    expect(r.stdout).toBe('images 402 wflo_unmetered');
  });

  it('granted calls that never left the process cost nothing: wflo charges exactly what the provider received and billed', async () => {
    // Each chat call reserves about 80,000 nano: three fit and the fourth waits; the 2 MB call is refused and rejects Promise.all.
    const r = await escapes('all-or-nothing', '0.00025');
    expect(r.exitCode).toBe(3);
    const charged = r.calls.filter((c) => c.cost_nano > 0 || c.status === 'ok');
    const unsent = r.calls.filter((c) => c.status === 'error');
    expect(r.calls.some((c) => c.status === 'denied')).toBe(true);
    // How many granted calls are still unsent when the script exits depends on the machine's load
    // (on an idle machine, some are; test/unit/send-tracker.test.ts pins the states): whatever
    // their number, none costs anything, and the ledger is exactly what the provider billed.
    expect(unsent.every((c) => c.cost_nano === 0)).toBe(true);
    expect(charged).toHaveLength(r.provider.requestCount());
    expect(r.runs[0]?.spent_nano).toBe(billedNano(r.provider.billed));
  });
});

describe('cost is true for streams cut short', () => {
  const stream = (kind: string, options: FakeProviderOptions = {}) => run('cancelled-streams.mjs', [kind], '1', options);

  it('openai 7 (cancels at [DONE]) on Node 20: exact cost, status ok', async () => {
    const r = await stream('openai7');
    expect(r.stdout).toBe('read true');
    expect(r.calls.map((c) => [c.status, c.estimated, c.cost_nano])).toEqual([['ok', 0, CHAT_NANO]]);
  });

  it('a break out of an openai 6 stream after the last content chunk: the usage still arriving is read', async () => {
    for (const chunkDelayMs of [0, 20]) {
      const r = await stream('openai6-break', { chunkDelayMs });
      expect(r.stdout).toBe('read true');
      expect(r.calls.map((c) => [c.status, c.estimated, c.cost_nano])).toEqual([['ok', 0, CHAT_NANO]]);
      await provider?.close();
    }
  });

  it('a break out of an Anthropic stream after message_delta: exact cost, status ok', async () => {
    const r = await stream('anthropic-break', { chunkDelayMs: 20 });
    expect(r.stdout).toBe('read true');
    expect(r.calls.map((c) => [c.status, c.estimated, c.cost_nano])).toEqual([['ok', 0, HAIKU_NANO]]);
  });

  it('an Anthropic stream that ends without message_delta is incomplete: charged its reservation, estimated', async () => {
    const r = await stream('anthropic-stream', { fault: 'no-final-usage' });
    const [call] = r.calls;
    expect(call).toMatchObject({ status: 'estimated', estimated: 1 });
    expect(call?.cost_nano).toBe(call?.reserved_nano);
    expect(call?.cost_nano).toBeGreaterThan(HAIKU_NANO);
  });
});
