import { loadConfig } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import { cataloguePrice, PRICES_SOURCE } from '../pricing/catalogue-prices.js';
import { OUTPUT_LIMITS_SOURCE } from '../pricing/output-limits.js';
import { PriceBook, unknownPriceMessage } from '../pricing/price-book.js';
import { guessProvider } from '../pricing/price-override.js';
import type { Rate } from '../pricing/rates.js';
import type { Provider } from '../protocol/messages.js';
import type { CliContext } from './context.js';

export interface PricesFlags { provider?: string; json?: boolean }

/** Pico-USD per token → dollars per million tokens. */
function perMtok(rate: Rate): number {
  return rate.base / 1_000_000;
}

function tiers(rate: Rate): string {
  return rate.tiers.map((t) => ` ($${t.pico / 1_000_000} above ${t.start} input tokens)`).join('');
}

function parseProvider(model: string, flag: string | undefined): Provider {
  if (flag === undefined) return guessProvider(model);
  if (flag !== 'openai' && flag !== 'anthropic') throw new UsageError(`--provider must be "openai" or "anthropic", got "${flag}"`);
  return flag;
}

/** `wflo prices <model>`: what wflo will charge for a model and the output ceiling it assumes, each with its source. */
export async function pricesCommand(model: string, flags: PricesFlags, ctx: CliContext): Promise<number> {
  const provider = parseProvider(model, flags.provider);
  const book = new PriceBook(loadConfig(ctx.cwd).config.prices ?? {});
  const rates = book.rates(provider, model);
  if (!rates) throw new UsageError(unknownPriceMessage(provider, model));
  // Which catalogue entries the limit was read from: shows how a snapshot id was matched.
  const entries = rates.outputLimitSource === OUTPUT_LIMITS_SOURCE ? book.limits.lookup(provider, model)?.entries ?? [] : [];
  // The context window is shown for reference only: a call's output can never be that long.
  const contextWindow = cataloguePrice(provider, model)?.contextWindow ?? null;
  const key = book.overrideKey(provider, model);
  const notices = book.notices().filter((n) => n.key === key).map((n) => n.message);
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({
      provider, model, source: rates.source, inputUsdPerMtok: perMtok(rates.input), cachedInputUsdPerMtok: perMtok(rates.cachedInput),
      cacheWriteUsdPerMtok: perMtok(rates.cacheWrite), outputUsdPerMtok: perMtok(rates.output),
      outputLimit: rates.outputLimit, outputLimitSource: rates.outputLimitSource, outputLimitEntries: entries,
      contextWindow, contextWindowSource: contextWindow === null ? null : PRICES_SOURCE, notices,
    }, null, 2)}\n`);
    return 0;
  }
  const limitFrom = rates.outputLimitSource === null ? '' : `  (from ${rates.outputLimitSource}${entries.length > 0 ? `: ${entries.join(', ')}` : ''})`;
  ctx.stdout.write([
    `${provider}/${model}  (prices from ${rates.source}, USD per million tokens)`,
    `  input         $${perMtok(rates.input)}${tiers(rates.input)}`,
    `  cached input  $${perMtok(rates.cachedInput)}${tiers(rates.cachedInput)}`,
    `  cache write   $${perMtok(rates.cacheWrite)}${tiers(rates.cacheWrite)}`,
    `  output        $${perMtok(rates.output)}${tiers(rates.output)}`,
    `  output ceiling when a call sets no max tokens: ${rates.outputLimit ?? 'unknown (such calls are refused under a budget)'}${limitFrom}`,
    ...(contextWindow === null ? [] : [`  context window: ${contextWindow} (from ${PRICES_SOURCE}; not an output ceiling)`]),
    ...notices.map((n) => `  note: ${n}`),
    '',
  ].join('\n'));
  return 0;
}
