// Checkpoint bench baseline: LangGraph.js's own SqliteSaver, in the process that saves (no
// supervisor), doing what a graph does after each super-step: put() a new checkpoint whose
// channel_values hold the whole state, chained to its parent. Same state, same steps and same
// warm-up as wflo-agent.mjs; run as a fresh process per round, as the wflo side is.
// Usage: node baseline-agent.mjs <db-file> [saves=1000] [warmup=20]
import { isDeepStrictEqual } from 'node:util';
import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { SAVES, WARMUP, applyStep, initialState, keyOf } from './state.mjs';

const [file, savesArg, warmupArg] = process.argv.slice(2);
const saves = Number(savesArg ?? SAVES);
const warmup = Number(warmupArg ?? WARMUP);

const saver = SqliteSaver.fromConnString(file);
saver.setup(); // creates the tables and sets WAL, as the first put() would

const state = initialState();
// Channel versions as LangGraph keeps them: one counter per channel, bumped when it is written.
const versions = Object.fromEntries(Object.keys(state).map((key) => [key, 0]));
let config = { configurable: { thread_id: 'bench', checkpoint_ns: '' } };
let step = 0;

async function save() {
  const changed = keyOf(step % Object.keys(state).length);
  applyStep(state, step);
  versions[changed] += 1;
  const checkpoint = {
    ...emptyCheckpoint(),
    id: uuid6(step),
    ts: new Date().toISOString(),
    channel_values: { ...state },
    channel_versions: { ...versions },
    versions_seen: { agent: { ...versions } },
  };
  // config carries the parent's checkpoint_id: put() stores it as parent_checkpoint_id.
  config = await saver.put(config, checkpoint, { source: 'loop', step, parents: {} }, { [changed]: versions[changed] });
  step++;
}

while (step < warmup) await save();
const start = performance.now();
while (step < warmup + saves) await save();
const ms = performance.now() - start;

// The latest checkpoint as LangGraph would read it back must hold the state we saved last.
const latest = step > 0 ? await saver.getTuple({ configurable: { thread_id: 'bench', checkpoint_ns: '' } }) : undefined;
const headMatches = step === 0 || (latest?.config.configurable.checkpoint_id === config.configurable.checkpoint_id
  && isDeepStrictEqual(latest.checkpoint.channel_values, state));
// better-sqlite3 defaults WAL connections to synchronous=NORMAL, as wflo sets it: same durability.
const sync = saver.db.pragma('synchronous', { simple: true });
saver.db.close(); // closing checkpoints the WAL into the db file and removes it, as wflo's exit does
console.log(JSON.stringify({ saves, warmup, ms, savesPerSec: saves > 0 ? (1000 * saves) / ms : null, synchronous: sync, headMatches }));
