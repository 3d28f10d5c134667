import { createRequire } from 'node:module';
import type { ModelPrice, TieredPrices } from '@pydantic/genai-prices';
import type { Provider } from '../protocol/messages.js';
import { flatRate, mtokToPico, type Rate } from './rates.js';

type GenaiPrices = typeof import('@pydantic/genai-prices');

const require = createRequire(import.meta.url);
let genai: GenaiPrices | undefined;

/**
 * The catalogue's code and data (~50 ms to load), required on first use: commands and runs that
 * price nothing never pay for it.
 */
function catalogue(): GenaiPrices {
  genai ??= require('@pydantic/genai-prices') as GenaiPrices;
  return genai;
}

/** Where catalogue prices come from. */
export const PRICES_SOURCE = '@pydantic/genai-prices';

/** A model's prices as the bundled catalogue states them, plus its context window (shown, never used as a ceiling). */
export interface CataloguePrice {
  input: Rate;
  cachedInput: Rate;
  cacheWrite: Rate;
  output: Rate;
  contextWindow: number | null;
}

function rateFrom(price: number | TieredPrices | undefined, fallback: Rate): Rate {
  if (price === undefined) return fallback;
  if (typeof price === 'number') return flatRate(mtokToPico(price));
  return {
    base: mtokToPico(price.base),
    tiers: [...price.tiers].sort((a, b) => a.start - b.start).map((t) => ({ start: t.start, pico: mtokToPico(t.price) })),
  };
}

function fromModelPrice(price: ModelPrice, contextWindow: number | undefined): CataloguePrice | undefined {
  if (price.input_mtok === undefined && price.output_mtok === undefined) return undefined;
  const zero = flatRate(0);
  const input = rateFrom(price.input_mtok, zero);
  return {
    input,
    cachedInput: rateFrom(price.cache_read_mtok, input),
    cacheWrite: rateFrom(price.cache_write_mtok, input),
    output: rateFrom(price.output_mtok, zero),
    contextWindow: contextWindow ?? null,
  };
}

/**
 * The catalogue's price of a model (bundled data, no network), or undefined. The provider's own
 * list first; an OpenAI-compatible server may serve anyone's model, so then by name alone.
 */
export function cataloguePrice(provider: Provider, model: string): CataloguePrice | undefined {
  const usage = { input_tokens: 1, output_tokens: 1 };
  const { calcPrice } = catalogue();
  const found = calcPrice(usage, model, { providerId: provider }) ?? calcPrice(usage, model);
  return found ? fromModelPrice(found.model_price, found.model.context_window) : undefined;
}
