/** Money inside wflo is integer nano-USD (1e-9 USD); dollars appear only at the edges. */
export type Nano = number;

export const NANO_PER_USD = 1_000_000_000;

/** Converts a dollar amount from the user (a flag, a config file) to nano-USD, rounding down. */
export function usdToNano(usd: number): Nano {
  return Math.floor(Math.round(usd * NANO_PER_USD * 1000) / 1000);
}

/** Converts nano-USD to dollars for reports (exact for every integer nano amount below 2^53). */
export function nanoToUsd(nano: Nano): number {
  return nano / NANO_PER_USD;
}

/** "$0.001234" style: enough digits that small per-call costs are not shown as zero. */
export function formatUsd(nano: Nano): string {
  const usd = nanoToUsd(nano);
  if (nano === 0) return '$0.00';
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(6)}`;
}
