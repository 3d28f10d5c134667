import type { Provider } from '../protocol/messages.js';

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
  /** Accept a price of 0 for a model the catalogue prices (otherwise refused at config load). @default false */
  allowZero?: boolean;
}

/** Keys are `model` or `provider:model`. */
export type PriceOverrides = Readonly<Record<string, PriceOverride>>;

/** One config entry, with the provider and model its key names. */
export interface OverrideEntry {
  key: string;
  /** Null for a bare model key, which applies to either provider. */
  provider: Provider | null;
  model: string;
  override: PriceOverride;
}

const PROVIDER_PREFIX = /^(openai|anthropic):(.+)$/;

/** Splits `provider:model`; any other key (model ids may hold a colon, e.g. `llama3:8b`) is a bare model. */
export function overrideEntries(overrides: PriceOverrides): OverrideEntry[] {
  // Object.entries reads own properties only: a key like "__proto__" or "constructor" is just a key.
  return Object.entries(overrides).map(([key, override]) => {
    const match = PROVIDER_PREFIX.exec(key);
    const provider = match?.[1] === 'openai' || match?.[1] === 'anthropic' ? match[1] : null;
    return { key, provider, model: provider && match?.[2] !== undefined ? match[2] : key, override };
  });
}

/** The provider a bare model name most likely belongs to, as `wflo prices` guesses it. */
export function guessProvider(model: string): Provider {
  return model.startsWith('claude') ? 'anthropic' : 'openai';
}
