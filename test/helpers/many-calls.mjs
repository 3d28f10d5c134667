// Adds `count` LLM calls to a run of a real store (made by a real `wflo run`), straight into
// llm_calls with the store's own schema: the way to have a run of 50,000 calls in a second.
// Shared by test/ui-e2e.test.ts and bench/ui.mjs.
import { sqlite } from '../../dist/store/sqlite.js';

/**
 * Copies the run's first call `count` times as calls 2…count+1, spread over `spanMs` after the
 * run's start, with costs, tokens, latencies, agents, models and outcomes that vary, and sets
 * the run's spend to their sum. Returns the added cost in nano-USD.
 */
export function addCalls(file, runId, count, spanMs = 3_600_000) {
  const db = new (sqlite())(file);
  try {
    const first = db.prepare('SELECT * FROM llm_calls WHERE run_id = ? ORDER BY seq LIMIT 1').get(runId);
    const run = db.prepare('SELECT started_at FROM runs WHERE id = ?').get(runId);
    const columns = Object.keys(first);
    const insert = db.prepare(`INSERT INTO llm_calls (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    const models = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-latest'];
    const agents = [null, 'researcher', 'writer', 'critic'];
    let added = 0;
    db.transaction(() => {
      for (let i = 1; i <= count; i++) {
        const seq = first.seq + i;
        const denied = i % 97 === 0;
        const status = denied ? 'denied' : i % 53 === 0 ? 'error' : i % 89 === 0 ? 'replayed' : 'ok';
        const cost = status === 'ok' ? 10_000 + ((i * 7919) % 40_000) : 0;
        added += cost;
        const startedAt = run.started_at + Math.floor((i / count) * spanMs);
        insert.run({
          ...first, seq, model: models[i % 3], provider: i % 3 === 2 ? 'anthropic' : 'openai', agent: agents[i % 4],
          status, estimated: 0,
          output_cap: i % 61 === 0 ? 256 : null, input_tokens: 100 + (i % 900), output_tokens: 10 + (i % 300),
          cost_nano: cost, started_at: startedAt, ended_at: denied ? null : startedAt + 300 + (i % 700), latency_ms: denied ? null : 300 + (i % 700),
          error: denied ? 'budget exceeded: synthetic refusal' : null,
        });
      }
      db.prepare('UPDATE runs SET spent_nano = spent_nano + ? WHERE id = ?').run(added, runId);
    })();
    return added;
  } finally {
    db.close();
  }
}
