import { UsageError } from '../errors.js';
import { usdToNano } from '../ledger/money.js';
import { DEFAULT_GUARDS, type AgentLimits, type GuardSettings, type OnLoop } from './guard-settings.js';
import type { WfloConfig } from './load-config.js';

/** The guard flags of `wflo run` / `wflo resume`, unchecked. */
export interface GuardFlags {
  /** --agent-budget name=usd, repeatable. */
  agentBudget?: string[];
  onLoop?: string;
  /** --on-budget as given on the command line, if it was. */
  onBudget?: string;
  /** false with --no-guards. */
  guards?: boolean;
}

const ON_LOOP: readonly string[] = ['warn', 'error', 'stop'];

/** Parses `name=usd`; the amount is checked by `parseBudget`. */
function agentBudgetFlag(text: string, parseBudget: (text: string, source: string) => number): [string, number] {
  const at = text.lastIndexOf('=');
  const name = at > 0 ? text.slice(0, at).trim() : '';
  if (name === '') throw new UsageError(`--agent-budget must be name=usd (e.g. researcher=0.50), got "${text}"`);
  return [name, parseBudget(text.slice(at + 1), `--agent-budget ${name}`)];
}

/** Every guard's settings: the config file's, then the flags over them. */
export function resolveGuards(config: WfloConfig, flags: GuardFlags, parseBudget: (text: string, source: string) => number): GuardSettings {
  const agents = new Map<string, AgentLimits>();
  for (const [name, a] of Object.entries(config.agents ?? {})) {
    agents.set(name, {
      budgetNano: a.budget === undefined ? null : usdToNano(a.budget),
      maxNanoPerMinute: a.maxUsdPerMinute === undefined ? null : usdToNano(a.maxUsdPerMinute),
      maxTokensPerMinute: a.maxTokensPerMinute ?? null,
    });
  }
  for (const text of flags.agentBudget ?? []) {
    const [name, budgetNano] = agentBudgetFlag(text, parseBudget);
    agents.set(name, { ...(agents.get(name) ?? { maxNanoPerMinute: null, maxTokensPerMinute: null }), budgetNano });
  }
  const onLoop = flags.onLoop ?? config.onLoop ?? DEFAULT_GUARDS.onLoop;
  if (!ON_LOOP.includes(onLoop)) throw new UsageError(`--on-loop must be "warn", "error" or "stop", got "${onLoop}"`);
  const enabled = flags.guards ?? config.guards ?? true;
  const loop = { ...DEFAULT_GUARDS.loop, ...config.loop };
  // Off: one attempt, as the script's SDK would make it (its own retries then apply).
  const retry = enabled ? { ...DEFAULT_GUARDS.retry, ...config.retry } : { ...DEFAULT_GUARDS.retry, maxAttempts: 1 };
  return {
    enabled,
    agents,
    // An agent's breach stops the run only when stopping was asked for; by default it fails that agent's call.
    onAgentBudget: (flags.onBudget ?? config.onBudget) === 'stop' ? 'stop' : 'error',
    onLoop: onLoop as OnLoop,
    loop,
    circuit: { ...DEFAULT_GUARDS.circuit, ...config.circuit, ...(enabled ? {} : { enabled: false }) },
    retry,
  };
}
