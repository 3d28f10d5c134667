import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { FIXTURES, providerEnv, readDb, tempDir, wflo } from './helpers/wflo.js';

let provider: FakeProvider;
beforeAll(async () => { provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } }); });
afterAll(async () => { await provider.close(); });

interface CheckpointJson { id: string; name: string; seq: number; status: string }

describe('LangGraph.js with WfloSaver', () => {
  it('checkpoints after every node; rollback + resume continue the graph from that node', async () => {
    const db = path.join(tempDir(), 'wflo.db');
    const first = await wflo(['run', path.join(FIXTURES, 'graph.mjs'), '--budget', '1', '--db', db], { env: providerEnv(provider) });
    expect(first.stderr).not.toContain('Error');
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual(['plan', 'research', 'write']);
    expect(provider.billed).toHaveLength(3);
    const runId = readDb(db).runs[0]?.id ?? '';
    // Each call is attributed to the graph node that made it, with no change to the script.
    const status = JSON.parse((await wflo(['status', runId, '--db', db, '--json'])).stdout) as { byAgent: Array<{ agent: string; calls: number }> };
    expect(status.byAgent.map((a) => [a.agent, a.calls]).sort()).toEqual([['plan', 1], ['research', 1], ['write', 1]]);

    const listed = JSON.parse((await wflo(['checkpoints', runId, '--db', db, '--json'])).stdout) as CheckpointJson[];
    // The input checkpoint, then one after each step: START, plan, research, write.
    expect(listed.map((c) => c.name)).toEqual([
      'langgraph main step -1 (input)', 'langgraph main step 0 (loop)', 'langgraph main step 1 (loop)',
      'langgraph main step 2 (loop)', 'langgraph main step 3 (loop)',
    ]);
    const afterPlan = listed.find((c) => c.name === 'langgraph main step 1 (loop)');
    expect((await wflo(['rollback', afterPlan?.id ?? '', '--db', db])).exitCode).toBe(0);

    const resumed = await wflo(['resume', runId, '--db', db], { env: providerEnv(provider) });
    expect(resumed.exitCode).toBe(0);
    // plan's note came back from the checkpoint; research and write ran again: 2 fresh calls.
    expect(JSON.parse(resumed.stdout)).toEqual(['plan', 'research', 'write']);
    expect(provider.billed).toHaveLength(5);
    const after = JSON.parse((await wflo(['checkpoints', runId, '--db', db, '--json'])).stdout) as CheckpointJson[];
    expect(after.filter((c) => c.status === 'superseded').map((c) => c.seq)).toEqual([4, 5]);
    expect(after.at(-1)).toMatchObject({ name: 'langgraph main step 3 (loop)', status: 'head' });
  });
});
