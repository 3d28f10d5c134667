import type { Demand } from '../ledger/ledger.js';
import type { Nano } from '../ledger/money.js';
import { effectiveFloor, fitOutput } from '../pricing/fit.js';
import { outputPicoAt, worstCaseOf, type ModelRates } from '../pricing/rates.js';
import type { ReserveMessage } from '../protocol/messages.js';

/** How calls are fitted to the budget: `fit` false refuses instead of lowering output limits. */
export interface FitPolicy {
  fit: boolean;
  /** Fewest output tokens per answer worth sending (lowered on tiny budgets, see pricing/fit.ts). */
  floor: number;
}

/**
 * What the ledger must cover for a call: its worst case as written, and (when the hook can
 * lower the request's output limit and the policy allows) the same call cut to fit a room.
 */
export function demandOf(rates: ModelRates, request: ReserveMessage, inputTokensMax: number, perAnswer: number, policy: FitPolicy, budgeted: boolean): Demand & { floor?: (budget: Nano) => number } {
  const full = worstCaseOf(rates, inputTokensMax, perAnswer * request.choices);
  if (!policy.fit || !request.fit || !budgeted) return { full };
  const limits = { requested: perAnswer, choices: request.choices, floor: policy.floor, minimum: Math.max(1, request.minOutputTokens) };
  return {
    full,
    // Cut against the budget that binds: the run's, or the agent's.
    cut: (room, budget) => fitOutput(rates, inputTokensMax, limits, room, budget),
    // Only a refusal needs it: not worked out on the path of a call that fits.
    floor: (budget) => Math.max(limits.minimum, effectiveFloor(policy.floor, BigInt(outputPicoAt(rates, inputTokensMax)) * BigInt(request.choices), budget)),
  };
}
