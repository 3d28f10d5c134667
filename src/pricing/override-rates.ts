import type { PriceOverride } from './price-override.js';
import { flatRate, mtokToPico, type Rate } from './rates.js';

/** Where user prices and limits come from. */
export const CONFIG_SOURCE = 'wflo.config.json';

/** The four rates a model is priced at. */
export interface PriceRates { input: Rate; cachedInput: Rate; cacheWrite: Rate; output: Rate }

/** A config entry's rates: cache prices default to the input price. */
export function overrideRates(o: PriceOverride): PriceRates {
  const input = flatRate(mtokToPico(o.input_mtok));
  return {
    input,
    cachedInput: o.cache_read_mtok === undefined ? input : flatRate(mtokToPico(o.cache_read_mtok)),
    cacheWrite: o.cache_write_mtok === undefined ? input : flatRate(mtokToPico(o.cache_write_mtok)),
    output: flatRate(mtokToPico(o.output_mtok)),
  };
}
