import { UsageError } from '../errors.js';
import { cataloguePrice, type CataloguePrice } from './catalogue-prices.js';
import { CONFIG_SOURCE, overrideRates, type PriceRates } from './override-rates.js';
import type { OutputLimits } from './output-limits.js';
import { guessProvider, overrideEntries, type OverrideEntry, type PriceOverrides } from './price-override.js';
import type { Rate } from './rates.js';

/** A config entry that changes what the catalogue says about a model, told in one line. */
export interface OverrideNotice {
  /** The config key, as written (`gpt-4o` or `openai:gpt-4o`). */
  key: string;
  message: string;
}

/** Pico-USD per token → "$2.5/M". */
function perM(rate: Rate): string {
  return `$${rate.base / 1_000_000}/M`;
}

function sameRate(a: Rate, b: Rate): boolean {
  return a.base === b.base && a.tiers.length === b.tiers.length
    && a.tiers.every((t, i) => t.start === b.tiers[i]?.start && t.pico === b.tiers[i]?.pico);
}

const RATE_NAMES = ['input', 'cachedInput', 'cacheWrite', 'output'] as const;

/** "$0.5/M input, $1/M output", plus the cache rates when they are what differs. */
function describe(rates: PriceRates, withCache: boolean, labels: boolean): string {
  const label = (name: string): string => (labels ? ` ${name}` : '');
  const cache = withCache ? `, ${perM(rates.cachedInput)}${label('cached input')}, ${perM(rates.cacheWrite)}${label('cache write')}` : '';
  return `${perM(rates.input)}${label('input')}, ${perM(rates.output)}${label('output')}${cache}`;
}

function catalogueOf(entry: OverrideEntry): CataloguePrice | undefined {
  return cataloguePrice(entry.provider ?? guessProvider(entry.model), entry.model);
}

function priceNotice(entry: OverrideEntry, catalogue: CataloguePrice): OverrideNotice | undefined {
  const mine = overrideRates(entry.override);
  if (RATE_NAMES.every((name) => sameRate(mine[name], catalogue[name]))) return undefined;
  const withCache = sameRate(mine.input, catalogue.input) && sameRate(mine.output, catalogue.output);
  return {
    key: entry.key,
    message: `price of ${entry.key} from ${CONFIG_SOURCE}: ${describe(mine, withCache, true)} (catalogue: ${describe(catalogue, withCache, withCache)})`,
  };
}

function limitNotice(entry: OverrideEntry, limits: OutputLimits): OverrideNotice | undefined {
  const mine = entry.override.max_output_tokens;
  const catalogue = limits.lookup(entry.provider ?? guessProvider(entry.model), entry.model);
  if (mine === undefined || !catalogue || mine >= catalogue.tokens) return undefined;
  return { key: entry.key, message: `output limit of ${entry.key} from ${CONFIG_SOURCE}: ${mine} tokens (catalogue: ${catalogue.tokens})` };
}

/**
 * Config entries that shadow a catalogue price or lower a catalogue output limit: allowed, but
 * said out loud, since a wrong price there silently changes what --budget protects.
 */
export function overrideNotices(overrides: PriceOverrides, limits: OutputLimits): OverrideNotice[] {
  const notices: OverrideNotice[] = [];
  for (const entry of overrideEntries(overrides)) {
    const catalogue = catalogueOf(entry);
    const price = catalogue ? priceNotice(entry, catalogue) : undefined;
    const limit = limitNotice(entry, limits);
    if (price) notices.push(price);
    if (limit) notices.push(limit);
  }
  return notices;
}

/**
 * A price of 0 for a model the catalogue prices makes its calls free and defeats --budget: a
 * usage error unless the entry says `"allowZero": true`.
 */
export function rejectZeroPrices(overrides: PriceOverrides, file: string): void {
  for (const entry of overrideEntries(overrides)) {
    const { override } = entry;
    if (override.allowZero === true || (override.input_mtok !== 0 && override.output_mtok !== 0)) continue;
    const catalogue = catalogueOf(entry);
    if (!catalogue) continue;
    throw new UsageError(`${file}: prices."${entry.key}" sets a price of 0 for a model the catalogue prices at `
      + `${describe(catalogue, false, true)}, which would make its calls free under a budget; add "allowZero": true to the entry if that is meant`, 'WFLO_CONFIG');
  }
}
