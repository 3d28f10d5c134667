import { calcPrice, type ModelPrice, type TieredPrices } from '@pydantic/genai-prices';
import type { Provider } from '../protocol/messages.js';
import { flatRate, mtokToPico, type ModelRates, type Rate } from './rates.js';

/** A price the user adds in wflo.config.json (`prices`), in dollars per million tokens. */
export interface PriceOverride {
  input_mtok: number;
  output_mtok: number;
  /** @default input_mtok */
  cache_read_mtok?: number;
  /** @default input_mtok */
  cache_write_mtok?: number;
  /** Output ceiling used when a request sets no max tokens. */
  max_output_tokens?: number;
}

/** Keys are `model` or `provider:model`. */
export type PriceOverrides = Readonly<Record<string, PriceOverride>>;

function rateFrom(price: number | TieredPrices | undefined, fallback: Rate): Rate {
  if (price === undefined) return fallback;
  if (typeof price === 'number') return flatRate(mtokToPico(price));
  return {
    base: mtokToPico(price.base),
    tiers: [...price.tiers].sort((a, b) => a.start - b.start).map((t) => ({ start: t.start, pico: mtokToPico(t.price) })),
  };
}

function ratesFromCatalog(provider: Provider, model: string, price: ModelPrice, contextWindow: number | undefined): ModelRates | undefined {
  if (price.input_mtok === undefined && price.output_mtok === undefined) return undefined;
  const zero = flatRate(0);
  const input = rateFrom(price.input_mtok, zero);
  return {
    provider,
    model,
    source: '@pydantic/genai-prices',
    input,
    cachedInput: rateFrom(price.cache_read_mtok, input),
    cacheWrite: rateFrom(price.cache_write_mtok, input),
    output: rateFrom(price.output_mtok, zero),
    outputLimit: contextWindow ?? null,
  };
}

function ratesFromOverride(provider: Provider, model: string, o: PriceOverride): ModelRates {
  const input = flatRate(mtokToPico(o.input_mtok));
  return {
    provider,
    model,
    source: 'wflo.config.json',
    input,
    cachedInput: o.cache_read_mtok === undefined ? input : flatRate(mtokToPico(o.cache_read_mtok)),
    cacheWrite: o.cache_write_mtok === undefined ? input : flatRate(mtokToPico(o.cache_write_mtok)),
    output: flatRate(mtokToPico(o.output_mtok)),
    outputLimit: o.max_output_tokens ?? null,
  };
}

/**
 * Resolves a model's prices: the user's overrides first, then the bundled catalogue of
 * @pydantic/genai-prices (no network). Results are cached: the catalogue lookup is slow-ish.
 */
export class PriceBook {
  private readonly cache = new Map<string, ModelRates | null>();

  constructor(private readonly overrides: PriceOverrides = {}) {}

  /** The model's rates, or undefined when nobody knows its price. */
  rates(provider: Provider, model: string): ModelRates | undefined {
    const key = `${provider}:${model}`;
    let found = this.cache.get(key);
    if (found === undefined) {
      found = this.lookup(provider, model) ?? null;
      this.cache.set(key, found);
    }
    return found ?? undefined;
  }

  private lookup(provider: Provider, model: string): ModelRates | undefined {
    const override = this.overrides[`${provider}:${model}`] ?? this.overrides[model];
    if (override) return ratesFromOverride(provider, model, override);
    // An OpenAI-compatible server may serve anyone's model: fall back to matching by name alone.
    const found = calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId: provider })
      ?? calcPrice({ input_tokens: 1, output_tokens: 1 }, model);
    if (!found) return undefined;
    return ratesFromCatalog(provider, model, found.model_price, found.model.context_window);
  }
}

/** The one line a user needs when a model has no price. */
export function unknownPriceMessage(provider: Provider, model: string): string {
  return `no price known for model "${model}" (${provider}); add one to wflo.config.json: `
    + `{ "prices": { "${model}": { "input_mtok": <usd per 1M input tokens>, "output_mtok": <usd per 1M output tokens> } } }`;
}
