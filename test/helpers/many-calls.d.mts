/** Adds `count` calls to a run of a real store; returns their cost in nano-USD (see many-calls.mjs). */
export function addCalls(file: string, runId: string, count: number, spanMs?: number): number;
