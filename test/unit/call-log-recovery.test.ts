import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import type { NewCall } from '../../src/store/types.js';
import { fileUnreadCallLogs } from '../../src/supervisor/call-log-recovery.js';

// A wflo killed -9 leaves its processes' call logs partly unread; the next wflo of the store files them.
// Real SQLite store, real log files as the hook writes them.

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true }); });

const NONCE = 'abcdefgh12';
/** gpt-4o-mini, 100 in / 10 out: 100 × 150 + 10 × 600 pico-USD. */
const EXACT_NANO = 21_000;
const HELD = 50_000;

const start = (lid: number): string => JSON.stringify({
  type: 'start', lid, held: HELD, sentLimit: null, provider: 'openai', endpoint: 'chat.completions', model: 'gpt-4o-mini', stream: false,
  inputTokensMax: 120, outputTokensMax: 50, choices: 1, unbounded: null, refs: [], requestKey: `key-${lid}`, fit: true, minOutputTokens: 1,
  agent: null, fingerprint: `f${lid}`, retryOf: null, tryNumber: 1,
});
const settle = (callId: number, outcome: 'ok' | 'error' | 'incomplete', context: string[] = []): string => JSON.stringify({
  type: 'settle', callId, outcome, usage: outcome === 'ok' ? { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0 } : null,
  httpStatus: outcome === 'error' ? 500 : 200, latencyMs: 3, model: 'gpt-4o-mini', error: outcome === 'ok' ? null : 'broken',
  journal: outcome === 'ok' ? { contentType: 'application/json', body: Buffer.from(`{"id":"r${callId}"}`).toString('base64') } : null,
  context, errorCode: null, toolCalls: [],
});

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

function setUp(): { dir: string; file: string; wfloPid: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wflo-recovery-'));
  dirs.push(dir);
  const file = path.join(dir, 'wflo.db');
  const db = openDatabase(file, { create: true });
  const store = new RunStore(db);
  const wfloPid = deadPid();
  store.createRun({ id: 'run-abc', script: 'a.mjs', args: [], cwd: dir, status: 'running', budgetNano: 1_000_000, spentNano: 0, onBudget: 'stop', simulated: false, supervisorPid: wfloPid, startedAt: 0, journal: true, agentBudgets: {} });
  const row = (seq: number, hookCall: string | null): NewCall => ({
    runId: 'run-abc', seq, pid: 4242, provider: 'openai', model: 'gpt-4o-mini', endpoint: 'chat.completions', stream: false, status: 'in_flight', priced: true,
    reservedNano: HELD, startedAt: 0, error: null, attempt: 1, afterCheckpointSeq: 0, outputCap: null, waitedMs: null, agent: null, retryOf: null, tryNumber: 1, hookCall,
  });
  // What wflo had filed: a call it granted (seq 1) and the first call granted from the lease (seq 2).
  store.insertCall(row(1, null));
  store.insertCall(row(2, `${NONCE}:1`));
  db.close();
  const base = path.join(dir, `wflo-${wfloPid}-run-abc.sock.${NONCE}`);
  // Part 0 was read to its end and removed; part 1 was read partly (its first settles are of calls on record).
  fs.writeFileSync(`${base}.1.log`, [
    '{"type":"part","pid":4242}', settle(1, 'ok'), settle(-1, 'ok'), start(2), '{"type":"sync"}', settle(-2, 'ok', ['resp_3', 'msg_3']),
    start(3), settle(-3, 'error'), start(4), '{"type":"next"}', '',
  ].join('\n'));
  // The last part ends in a line the hook never finished (it was killed mid-write).
  fs.writeFileSync(`${base}.2.log`, ['{"type":"part","pid":4242}', start(5), settle(-5, 'incomplete'), start(6), '{"type":"settle","callId":-6,"outc'].join('\n'));
  return { dir, file, wfloPid };
}

function calls(file: string): Array<Record<string, unknown>> {
  const db = openDatabase(file, { create: false });
  try {
    return db.prepare('SELECT seq, pid, status, estimated, cost_nano AS cost, hook_call AS hookCall FROM llm_calls ORDER BY seq').all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

describe('filing a killed wflo\'s unread call logs', () => {
  it('puts each call on record once: exact where the log has its usage, refused ones free, the rest at their reservation; the logs are removed', async () => {
    const { dir, file } = setUp();
    // A log of a run this store does not have, and one of a live wflo: neither is touched.
    const otherStore = path.join(dir, `wflo-${deadPid()}-run-elsewhere.sock.${NONCE}.0.log`);
    const live = path.join(dir, `wflo-${process.pid}-run-abc.sock.zzzzzzzz99.0.log`);
    fs.writeFileSync(otherStore, `${start(1)}\n`);
    fs.writeFileSync(live, `${start(1)}\n`);

    const db = openDatabase(file, { create: false });
    try {
      expect(fileUnreadCallLogs(db, {}, 1000, [dir])).toEqual(['run-abc']);
      // Once filed, there is nothing left to file.
      expect(fileUnreadCallLogs(db, {}, 2000, [dir])).toEqual([]);
      const run = new RunStore(db).getRun('run-abc')!;
      expect(run.status).toBe('running');
      expect(run.spentNano).toBe(3 * EXACT_NANO + 3 * HELD);
      const journal = db.prepare('SELECT call_seq AS seq, request_key AS key FROM journal ORDER BY call_seq').all();
      // Responses of the calls whose request the log still names (their start lines) go in the journal.
      expect(journal).toEqual([{ seq: 3, key: 'key-2' }]);
      // A Responses API id in a filed settle is known to a resumed run: the response 100 in + 10 out, its output item 10.
      expect(db.prepare('SELECT ref, tokens FROM response_context ORDER BY ref DESC').all()).toEqual([{ ref: 'resp_3', tokens: 110 }, { ref: 'msg_3', tokens: 10 }]);
    } finally {
      db.close();
    }
    expect(calls(file)).toEqual([
      { seq: 1, pid: 4242, status: 'ok', estimated: 0, cost: EXACT_NANO, hookCall: null },
      { seq: 2, pid: 4242, status: 'ok', estimated: 0, cost: EXACT_NANO, hookCall: `${NONCE}:1` },
      { seq: 3, pid: 4242, status: 'ok', estimated: 0, cost: EXACT_NANO, hookCall: `${NONCE}:2` },
      { seq: 4, pid: 4242, status: 'error', estimated: 0, cost: 0, hookCall: `${NONCE}:3` },
      { seq: 5, pid: 4242, status: 'in_flight', estimated: 1, cost: HELD, hookCall: `${NONCE}:4` },
      { seq: 6, pid: 4242, status: 'estimated', estimated: 1, cost: HELD, hookCall: `${NONCE}:5` },
      { seq: 7, pid: 4242, status: 'in_flight', estimated: 1, cost: HELD, hookCall: `${NONCE}:6` },
    ]);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.log')).sort()).toEqual([path.basename(otherStore), path.basename(live)].sort());
  });
});
