// Checkpoint bench baseline: LangGraph.js's own SqliteSaver, in the process that saves (no
// supervisor), doing what a graph does after each super-step: put() a new checkpoint whose
// channel_values hold the whole state, chained to its parent. Same state, steps and warm-up as
// wflo-agent.mjs, and a fresh process per round as on the wflo side (no JIT carried over).
// Usage: node baseline-agent.mjs <db-file> [saves=1000] [warmup=20]   (0 0: the empty db's size)
import { isDeepStrictEqual } from 'node:util';
import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { SAVES, WARMUP, initialState, steps } from './state.mjs';

const [file, savesArg, warmupArg] = process.argv.slice(2);
const saves = Number(savesArg ?? SAVES);
const warmup = Number(warmupArg ?? WARMUP);

const saver = SqliteSaver.fromConnString(file);
saver.setup(); // creates the tables and turns on WAL, as the first put() would

const state = initialState();
const todo = steps(warmup + saves);
// Channel versions as LangGraph keeps them: one counter per channel, bumped when it is written.
const versions = Object.fromEntries(Object.keys(state).map((key) => [key, 1]));
const thread = { thread_id: 'bench', checkpoint_ns: '' };
let config = { configurable: { ...thread } };
let step = 0;

async function save() {
  const { key, value } = todo[step];
  state[key] = value;
  versions[key] += 1;
  const checkpoint = {
    ...emptyCheckpoint(),
    id: uuid6(step), // LangGraph's createCheckpoint: uuid6(step), increasing
    ts: new Date().toISOString(),
    channel_values: { ...state },
    channel_versions: { ...versions },
    versions_seen: { agent: { ...versions } },
  };
  // config carries the parent's checkpoint_id: put() stores it as parent_checkpoint_id.
  config = await saver.put(config, checkpoint, { source: 'loop', step, parents: {} }, { [key]: versions[key] });
  step++;
}

while (step < warmup) await save();
const cpuBefore = process.cpuUsage();
const start = performance.now();
while (step < warmup + saves) await save();
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);

// The latest checkpoint as LangGraph reads it back must hold the state we saved last.
const latest = step > 0 ? await saver.getTuple({ configurable: { ...thread } }) : undefined;
const headMatches = step === 0 || (latest?.config.configurable.checkpoint_id === config.configurable.checkpoint_id
  && isDeepStrictEqual(latest.checkpoint.channel_values, state));
// better-sqlite3 turns WAL connections to synchronous=NORMAL, which wflo sets too: same durability.
const synchronous = saver.db.pragma('synchronous', { simple: true });
saver.db.close(); // checkpoints the WAL into the db file and removes it, as wflo does on exit
console.log(JSON.stringify({
  saves, warmup, ms, savesPerSec: saves > 0 ? (1000 * saves) / ms : null, headMatches, synchronous,
  cpuMs: (cpu.user + cpu.system) / 1000,
}));
