// Checkpoint bench agent, run under `wflo run`: saves warm-up + timed checkpoints in sequence,
// one top-level key changing each time, and times the saves after the warm-up. Prints one JSON line.
// Usage: wflo run wflo-agent.mjs -- [saves=1000] [warmup=20]   (0 0: an empty run, for the db's fixed size)
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { checkpoint, lastCheckpoint, runId } from 'wflo';
import { SAVES, WARMUP, initialState, steps } from './state.mjs';

const saves = Number(process.argv[2] ?? SAVES);
const warmup = Number(process.argv[3] ?? WARMUP);
if (!runId()) throw new Error('run me under `wflo run`: outside it checkpoint() does nothing');

// CPU ms the supervisor (our parent, the wflo process) has used so far: Linux /proc, else null.
function supervisorCpuMs() {
  try {
    const stat = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 1/100 s
  } catch {
    return null;
  }
}

const state = initialState();
const todo = steps(warmup + saves);
let step = 0;
let lastId;
async function save() {
  const { key, value } = todo[step++];
  state[key] = value;
  lastId = await checkpoint('step', state);
}

// Warm-up: the connection, JIT, SQLite's page cache; it also stores the first full snapshot.
while (step < warmup) await save();

// Where the time goes: CPU of this process (the SDK: encode, hash, socket) and of the supervisor.
const supervisorBefore = supervisorCpuMs();
const cpuBefore = process.cpuUsage();
const start = performance.now();
while (step < warmup + saves) await save();
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);
const supervisorAfter = supervisorCpuMs();

// The head as the SDK reads it back must be the state we saved last.
const head = step > 0 ? await lastCheckpoint() : undefined;
const headMatches = step === 0 || (head?.id === lastId && isDeepStrictEqual(head.state, state));
console.log(JSON.stringify({
  runId: runId(), saves, warmup, ms, savesPerSec: saves > 0 ? (1000 * saves) / ms : null, lastId: lastId ?? null, headMatches,
  cpuMs: (cpu.user + cpu.system) / 1000,
  supervisorCpuMs: supervisorBefore === null || supervisorAfter === null ? null : supervisorAfter - supervisorBefore,
}));
