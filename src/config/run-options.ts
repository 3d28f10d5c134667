import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { usdToNano, type Nano } from '../ledger/money.js';
import type { PriceOverrides } from '../pricing/price-book.js';
import type { OnBudget } from '../store/types.js';
import { loadConfig } from './load-config.js';
import { DEFAULT_FIT_FLOOR } from '../pricing/fit.js';
import type { FitPolicy } from '../supervisor/call-demand.js';
import type { GuardSettings } from './guard-settings.js';
import { resolveGuards } from './guard-config.js';

/** Flags of `wflo run` as commander hands them over (strings, unchecked). */
export interface RunFlags {
  budget?: string;
  report?: string;
  db?: string;
  onBudget?: string;
  simulate?: boolean;
  grace?: string;
  node?: string;
  /** false with --no-journal. */
  journal?: boolean;
  /** false with --no-fit. */
  fit?: boolean;
  fitFloor?: string;
  /** --agent-budget name=usd, repeatable. */
  agentBudget?: string[];
  onLoop?: string;
  /** --config: the config file to use instead of ./wflo.config.json. */
  config?: string;
  /** false with --no-guards. */
  guards?: boolean;
}

/** Everything a run needs, checked once; nothing downstream tests for undefined again. */
export interface ResolvedRunOptions {
  script: string;
  scriptArgs: string[];
  cwd: string;
  budgetNano: Nano | null;
  reportPath: string | null;
  dbPath: string;
  onBudget: OnBudget;
  simulate: boolean;
  graceMs: number;
  nodePath: string;
  prices: PriceOverrides;
  typescript: boolean;
  /** Lower a call's output limit to fit what is left of the budget (else refuse it), and the fewest output tokens worth sending. */
  fit: FitPolicy;
  /** Keep responses so a resumed run need not pay for them again. */
  journal: boolean;
  /** Per-agent budgets, loop detection, circuit breakers, retries. */
  guards: GuardSettings;
}

export const SCRIPT_TYPES = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const DEFAULT_GRACE_MS = 5000;
/** Node caps timers at 2^31 − 1 ms (a longer one fires at once); an hour is more than any script needs to exit. */
const MAX_GRACE_MS = 3_600_000;

/** Parses a dollar amount: a positive, finite number of dollars. */
export function parseBudget(text: string, source: string): Nano {
  const usd = /^\s*\d*\.?\d+(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(usd) || usd <= 0) throw new UsageError(`${source} must be a positive number of US dollars, got "${text}"`);
  const nano = usdToNano(usd);
  if (nano < 1) throw new UsageError(`${source} is below one nano-dollar: "${text}"`);
  return nano;
}

/** The store's path: --db, then WFLO_DB, then the config file, then .wflo/wflo.db. */
export function resolveDbPath(cwd: string, env: NodeJS.ProcessEnv, flag: string | undefined, configDb?: string): string {
  if (flag) return path.resolve(cwd, flag);
  if (env.WFLO_DB) return path.resolve(cwd, env.WFLO_DB);
  if (configDb) return path.resolve(cwd, configDb);
  return path.join(cwd, '.wflo', 'wflo.db');
}

export function resolveRunOptions(script: string, scriptArgs: string[], flags: RunFlags, cwd: string, env: NodeJS.ProcessEnv): ResolvedRunOptions {
  const { config, dir } = loadConfig(cwd, flags.config);
  const scriptPath = path.resolve(cwd, script);
  const ext = path.extname(scriptPath).toLowerCase();
  if (!SCRIPT_TYPES.includes(ext)) {
    throw new UsageError(`cannot run ${script}: unsupported file type "${ext || '(none)'}" (wflo runs ${SCRIPT_TYPES.join(', ')})`);
  }
  if (!fs.existsSync(scriptPath) || !fs.statSync(scriptPath).isFile()) throw new UsageError(`script not found: ${script}`);
  const onBudget = flags.onBudget ?? config.onBudget ?? 'stop';
  if (onBudget !== 'stop' && onBudget !== 'error') throw new UsageError(`--on-budget must be "stop" or "error", got "${onBudget}"`);
  let graceMs = config.graceMs ?? DEFAULT_GRACE_MS;
  if (flags.grace !== undefined) {
    graceMs = /^\s*\d+\s*$/.test(flags.grace) ? Number(flags.grace) : Number.NaN;
    if (!Number.isSafeInteger(graceMs) || graceMs > MAX_GRACE_MS) {
      throw new UsageError(`--grace must be a whole number of milliseconds from 0 to ${MAX_GRACE_MS} (one hour), got "${flags.grace}"`);
    }
  }
  let fitFloor = config.fitFloor ?? DEFAULT_FIT_FLOOR;
  if (flags.fitFloor !== undefined) {
    fitFloor = /^\s*\d+\s*$/.test(flags.fitFloor) ? Number(flags.fitFloor) : Number.NaN;
    if (!Number.isSafeInteger(fitFloor) || fitFloor < 1) throw new UsageError(`--fit-floor must be a whole number of output tokens (1 or more), got "${flags.fitFloor}"`);
  }
  const nodePath = flags.node ? path.resolve(cwd, flags.node) : process.execPath;
  if (flags.node && !fs.existsSync(nodePath)) throw new UsageError(`--node: no such file ${flags.node}`);
  return {
    script: scriptPath,
    scriptArgs,
    cwd,
    budgetNano: flags.budget !== undefined ? parseBudget(flags.budget, '--budget') : config.budget !== undefined ? usdToNano(config.budget) : null,
    reportPath: flags.report ? path.resolve(cwd, flags.report) : null,
    dbPath: resolveDbPath(cwd, env, flags.db, config.db === undefined ? undefined : path.resolve(dir, config.db)),
    onBudget,
    simulate: flags.simulate === true,
    graceMs,
    nodePath,
    prices: config.prices ?? {},
    typescript: ['.ts', '.mts', '.cts'].includes(ext),
    journal: flags.journal ?? config.journal ?? true,
    fit: { fit: flags.fit ?? config.fit ?? true, floor: fitFloor },
    guards: resolveGuards(config, { agentBudget: flags.agentBudget, onLoop: flags.onLoop, onBudget: flags.onBudget, guards: flags.guards }, parseBudget),
  };
}
