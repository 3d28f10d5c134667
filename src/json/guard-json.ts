import type { CircuitRecord, DeadLetter } from '../store/types.js';
import type { CircuitJson, DeadLetterJson } from './types.js';

/** The state as it is now: an open breaker whose cooldown has passed lets its probe through at the next call. */
export function shownCircuit(c: CircuitRecord, now: number): { state: CircuitRecord['state']; due: boolean } {
  if (c.state === 'open' && c.retryAt !== null && c.retryAt <= now) return { state: 'half-open', due: true };
  return { state: c.state, due: false };
}

/** A breaker as `wflo circuits --json` lists it, in its state at `now`. */
export function circuitJson(c: CircuitRecord, now: number): CircuitJson {
  return {
    name: c.name, kind: c.kind, state: shownCircuit(c, now).state, retryAt: c.retryAt === null ? null : new Date(c.retryAt).toISOString(),
    lastError: c.lastError, runId: c.runId, updatedAt: new Date(c.updatedAt).toISOString(),
  };
}

function parsed(summary: string): unknown {
  try { return JSON.parse(summary) as unknown; } catch { return summary; }
}

/** A dead letter as `wflo dlq --json` lists it. */
export function deadLetterJson(d: DeadLetter): DeadLetterJson {
  return {
    id: d.id, runId: d.runId, firstSeq: d.firstSeq, lastSeq: d.lastSeq, attempts: d.attempts, provider: d.provider, model: d.model,
    endpoint: d.endpoint, agent: d.agent, summary: parsed(d.summary), httpStatus: d.httpStatus, error: d.error, createdAt: new Date(d.createdAt).toISOString(),
  };
}
