// From their modules, not the guards' index: `wflo run` reads these before it starts the script,
// and the index brings the fingerprints, and node:crypto with them.
import { DEFAULT_CIRCUIT, type CircuitOptions } from '../guards/circuit-breaker.js';
import { DEFAULT_LOOP_THRESHOLDS, type LoopThresholds } from '../guards/loop-detector.js';
import { DEFAULT_RETRY, type RetryOptions } from '../guards/retry-policy.js';
import type { Nano } from '../ledger/money.js';

/** What to do about a loop once it goes on after its warning. */
export type OnLoop = 'warn' | 'error' | 'stop';

/** One agent's limits: a budget (reserved before each call like the run's) and burn-rate breakers. */
export interface AgentLimits {
  budgetNano: Nano | null;
  /** Spend per minute above which the agent's calls are refused for a cooldown, or null. */
  maxNanoPerMinute: Nano | null;
  /** Tokens (input + output) per minute above which the same happens, or null. */
  maxTokensPerMinute: number | null;
}

/** Every guard's settings for a run, from wflo.config.json and flags (flags win). */
export interface GuardSettings {
  /** false (--no-guards): no loop detection, circuits or retries; agent budgets still hold. */
  enabled: boolean;
  /** Per agent, by name. */
  agents: ReadonlyMap<string, AgentLimits>;
  /** An agent budget breached: fail that call (error), or stop the run (stop, when --on-budget stop was given explicitly). */
  onAgentBudget: 'error' | 'stop';
  onLoop: OnLoop;
  loop: LoopThresholds;
  /** Per provider:model circuit breakers; enabled false turns them off. */
  circuit: CircuitOptions & { enabled: boolean };
  /** wflo's own retries of transient failures; maxAttempts 1 turns them off. */
  retry: RetryOptions;
}

export const DEFAULT_GUARDS: GuardSettings = {
  enabled: true,
  agents: new Map(),
  onAgentBudget: 'error',
  onLoop: 'stop',
  loop: { ...DEFAULT_LOOP_THRESHOLDS },
  circuit: { ...DEFAULT_CIRCUIT, enabled: true },
  retry: { ...DEFAULT_RETRY },
};
