import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { DEFAULT_LOOP_THRESHOLDS } from '../guards/loop-detector.js';
import { configErrors } from './config-errors.js';
import { UsageError } from '../errors.js';
import { rejectZeroPrices } from '../pricing/override-notices.js';
import type { PriceOverrides } from '../pricing/price-override.js';

/** wflo.config.json, as validated against wflo.schema.json. */
export interface AgentConfig { budget?: number; maxUsdPerMinute?: number; maxTokensPerMinute?: number }

export interface WfloConfig {
  budget?: number;
  onBudget?: 'stop' | 'error';
  agents?: Record<string, AgentConfig>;
  onLoop?: 'warn' | 'error' | 'stop';
  guards?: boolean;
  loop?: { repeats?: number; window?: number };
  circuit?: { enabled?: boolean; consecutiveFailures?: number; errorRate?: number; minCalls?: number; windowMs?: number; cooldownMs?: number; maxCooldownMs?: number; probeTimeoutMs?: number };
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  db?: string;
  graceMs?: number;
  journal?: boolean;
  fit?: boolean;
  fitFloor?: number;
  prices?: PriceOverrides;
}

export const CONFIG_FILE = 'wflo.config.json';

function loadSchema(): object {
  const file = new URL('../../wflo.schema.json', import.meta.url);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as object;
}

let compiled: ValidateFunction<WfloConfig> | undefined;
const require = createRequire(import.meta.url);

/** The schema, compiled once per process; the validator (~15 ms to load) only when there is a config file. */
function validator(): ValidateFunction<WfloConfig> {
  if (!compiled) {
    const { Ajv } = require('ajv') as typeof import('ajv');
    compiled = new Ajv({ allErrors: true }).compile<WfloConfig>(loadSchema());
  }
  return compiled;
}

/** Rules the schema cannot say. */
function crossChecks(config: WfloConfig): string[] {
  const errors: string[] = [];
  const repeats = config.loop?.repeats ?? DEFAULT_LOOP_THRESHOLDS.repeats;
  if (config.loop?.window !== undefined && config.loop.window < repeats) errors.push(`loop.window: must be >= loop.repeats (${repeats})`);
  return errors;
}

/**
 * Reads the config file: `file` when given (--config), else `wflo.config.json` in `cwd` if there
 * is one. A bad file is a usage error listing every problem by path.
 */
export function loadConfig(cwd: string, file?: string): { config: WfloConfig; dir: string } {
  const explicit = file !== undefined;
  const target = explicit ? path.resolve(cwd, file) : path.join(cwd, CONFIG_FILE);
  if (!fs.existsSync(target)) {
    if (explicit) throw new UsageError(`config file not found: ${file}`, 'WFLO_CONFIG');
    return { config: {}, dir: cwd };
  }
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(target, 'utf8'));
  } catch (err) {
    throw new UsageError(`${target}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, 'WFLO_CONFIG');
  }
  const validate = validator();
  const errors = validate(value) ? crossChecks(value) : configErrors(validate.errors ?? []);
  if (errors.length > 0) throw new UsageError(`${target} is invalid:\n${errors.map((e) => `  ${e}`).join('\n')}`, 'WFLO_CONFIG');
  const config = value as WfloConfig;
  if (config.prices) rejectZeroPrices(config.prices, target);
  return { config, dir: path.dirname(target) };
}
