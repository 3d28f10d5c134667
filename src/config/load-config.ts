import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { UsageError } from '../errors.js';
import { rejectZeroPrices } from '../pricing/override-notices.js';
import type { PriceOverrides } from '../pricing/price-override.js';

/** wflo.config.json, as validated against wflo.schema.json. */
export interface WfloConfig {
  budget?: number;
  onBudget?: 'stop' | 'error';
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

/** Reads `wflo.config.json` in `cwd`, if there is one. A bad file is a usage error naming the problem. */
export function loadConfig(cwd: string): { config: WfloConfig; dir: string } {
  const file = path.join(cwd, CONFIG_FILE);
  if (!fs.existsSync(file)) return { config: {}, dir: cwd };
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, 'WFLO_CONFIG');
  }
  const ajv = new Ajv({ allErrors: false });
  const validate = ajv.compile<WfloConfig>(loadSchema());
  if (!validate(value)) {
    const first = validate.errors?.[0];
    const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '(top level)';
    throw new UsageError(`${file}: ${where} ${first?.message ?? 'is invalid'}`, 'WFLO_CONFIG');
  }
  if (value.prices) rejectZeroPrices(value.prices, file);
  return { config: value, dir: cwd };
}
