/**
 * Why a refused call was refused, told from its stored message: the store records a refusal's
 * message, not its code (llm_calls.error of a 'denied' row). The phrases are the ones the
 * supervisor writes (supervisor/loop-watch.ts, supervisor/breakers.ts); the loop and circuit
 * tests of `wflo ui` pin them.
 */
export type RefusalKind = 'loop' | 'circuit' | 'refusal';

const LOOP = /^loop detected: /;
// A provider circuit, or an agent's burn-rate breaker (circuit agent:<name>).
const CIRCUIT = /circuit is open after repeated failures; the call was not sent|^agent .+ is over its .+ per minute; the call was not sent/;

/** The kind of a refused call's message: a loop, an open circuit, or (anything else) the budget or a call wflo cannot price. */
export function refusalKind(message: string | null): RefusalKind {
  if (message === null) return 'refusal';
  if (LOOP.test(message)) return 'loop';
  if (CIRCUIT.test(message)) return 'circuit';
  return 'refusal';
}
