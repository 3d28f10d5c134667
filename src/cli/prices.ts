import { loadConfig } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import { PriceBook, unknownPriceMessage } from '../pricing/price-book.js';
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

/** `wflo prices <model>`: what wflo will charge for a model, and where the price comes from. */
export function pricesCommand(model: string, flags: PricesFlags, ctx: CliContext): number {
  const provider = (flags.provider ?? (model.startsWith('claude') ? 'anthropic' : 'openai')) as Provider;
  if (provider !== 'openai' && provider !== 'anthropic') throw new UsageError(`--provider must be "openai" or "anthropic", got "${flags.provider}"`);
  const rates = new PriceBook(loadConfig(ctx.cwd).config.prices ?? {}).rates(provider, model);
  if (!rates) throw new UsageError(unknownPriceMessage(provider, model));
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({
      provider, model, source: rates.source, inputUsdPerMtok: perMtok(rates.input), cachedInputUsdPerMtok: perMtok(rates.cachedInput),
      cacheWriteUsdPerMtok: perMtok(rates.cacheWrite), outputUsdPerMtok: perMtok(rates.output), outputLimit: rates.outputLimit,
    }, null, 2)}\n`);
    return 0;
  }
  ctx.stdout.write([
    `${provider}/${model}  (prices from ${rates.source}, USD per million tokens)`,
    `  input         $${perMtok(rates.input)}${tiers(rates.input)}`,
    `  cached input  $${perMtok(rates.cachedInput)}${tiers(rates.cachedInput)}`,
    `  cache write   $${perMtok(rates.cacheWrite)}${tiers(rates.cacheWrite)}`,
    `  output        $${perMtok(rates.output)}${tiers(rates.output)}`,
    `  output ceiling when a call sets no max tokens: ${rates.outputLimit ?? 'unknown (such calls are refused under a budget)'}`,
    '',
  ].join('\n'));
  return 0;
}
