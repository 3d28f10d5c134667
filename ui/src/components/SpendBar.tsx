import type { ReactNode } from 'react';
import { usd } from '../format.js';

/** Spend against budget as a bar (no budget: the amount alone). Past 90% it turns amber, at 100% red. */
export function SpendBar({ spent, budget }: { spent: number; budget: number | null }): ReactNode {
  if (budget === null || budget <= 0) return <span className="spend"><span className="spend-text">{usd(spent)}</span><span className="muted"> no budget</span></span>;
  const pct = (spent / budget) * 100;
  const level = pct >= 100 ? 'over' : pct >= 90 ? 'high' : 'ok';
  return (
    <span className="spend" title={`${usd(spent)} of ${usd(budget)} (${pct.toFixed(2)}%)`}>
      <span className="bar" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-label="budget used">
        <span className={`bar-fill bar-${level}`} style={{ width: `${Math.min(100, pct)}%` }} />
      </span>
      <span className="spend-text">{usd(spent)} / {usd(budget)}</span>
    </span>
  );
}
