// Checkpoint bench agent, run under `wflo run`: saves WARMUP + SAVES checkpoints in sequence,
// one top-level key changing each time, and times the SAVES after the warm-up. Prints one JSON line.
// Usage: wflo run wflo-agent.mjs -- [saves=1000] [warmup=20]   (saves=0 warmup=0: an empty run)
import { isDeepStrictEqual } from 'node:util';
import { checkpoint, lastCheckpoint, runId } from 'wflo';
import { SAVES, WARMUP, applyStep, initialState } from './state.mjs';

const saves = Number(process.argv[2] ?? SAVES);
const warmup = Number(process.argv[3] ?? WARMUP);
if (!runId()) throw new Error('run me under `wflo run`: outside it checkpoint() does nothing');

const state = initialState();
let step = 0;
let lastId;
// Warm-up: the connection, JIT, SQLite's page cache; it also stores the first full snapshot.
for (; step < warmup; step++) lastId = await checkpoint('step', applyStep(state, step));

const start = performance.now();
for (; step < warmup + saves; step++) lastId = await checkpoint('step', applyStep(state, step));
const ms = performance.now() - start;

// The head as the SDK reads it back must be the state we saved last.
const head = step > 0 ? await lastCheckpoint() : undefined;
const headMatches = step === 0 || (head?.id === lastId && isDeepStrictEqual(head.state, state));
console.log(JSON.stringify({ runId: runId(), saves, warmup, ms, savesPerSec: saves > 0 ? (1000 * saves) / ms : null, lastId: lastId ?? null, headMatches }));
