import type { Cut } from '../ledger/ledger.js';
import type { Nano } from '../ledger/money.js';
import { outputPicoAt, worstCaseOf, inputPicoMax, type ModelRates } from './rates.js';

/** What a call's output can be cut to. */
export interface FitLimits {
  /** Output tokens per answer the call asked for (or the model's limit when it set none). */
  requested: number;
  /** Answers the call asks for (`n`): each may use the whole limit. */
  choices: number;
  /** Fewer output tokens per answer than this are not worth sending: the call is refused instead. */
  floor: number;
  /** The fewest the request itself accepts (e.g. above an Anthropic thinking budget): never lowered. */
  minimum: number;
}

/** Default floor: an answer cut below this many tokens is rarely of use. */
export const DEFAULT_FIT_FLOOR = 256;

/**
 * The share of the budget the floor may hold back: on a small budget the floor shrinks so that
 * a refusal for the floor leaves at most this much of the budget unspent (1 / 100).
 */
const FLOOR_BUDGET_SHARE = 100n;

/**
 * The most output tokens per answer whose worst case fits in `room`, or null when fewer than
 * the floor fit. Exact integer arithmetic (BigInt: room × 1000 pico can pass 2^53).
 */
export function fitOutput(rates: ModelRates, inputTokensMax: number, limits: FitLimits, room: Nano, budget: Nano): Cut | null {
  const outputPico = BigInt(outputPicoAt(rates, inputTokensMax)) * BigInt(limits.choices);
  const inputPico = BigInt(inputTokensMax) * BigInt(inputPicoMax(rates, inputTokensMax));
  const roomPico = BigInt(room) * 1000n;
  if (inputPico > roomPico) return null;
  const affordable = outputPico === 0n ? BigInt(limits.requested) : (roomPico - inputPico) / outputPico;
  const tokens = Number(affordable < BigInt(limits.requested) ? affordable : BigInt(limits.requested));
  if (tokens < Math.max(limits.minimum, effectiveFloor(limits.floor, outputPico, budget))) return null;
  return { outputTokens: tokens, worstCase: worstCaseOf(rates, inputTokensMax, tokens * limits.choices) };
}

/** The floor, lowered on a budget so small that the floor's output would cost more than 1% of it (never below 1 token). */
export function effectiveFloor(floor: number, outputPicoAllChoices: bigint, budget: Nano): number {
  if (outputPicoAllChoices === 0n) return floor;
  const share = (BigInt(budget) * 1000n) / FLOOR_BUDGET_SHARE / outputPicoAllChoices;
  const shareTokens = share > BigInt(floor) ? floor : Number(share);
  return Math.max(1, shareTokens);
}
