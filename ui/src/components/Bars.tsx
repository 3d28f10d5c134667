import type { ReactNode } from 'react';
import { count, usd } from '../format.js';

/** One bar: a label, its cost, and what to say beside it. */
export interface BarItem { label: string; costUsd: number; calls: number; note?: string; budgetUsd?: number | null }

/** Horizontal bars of cost, scaled to the dearest (or to an item's own budget, drawn as a tick). */
export function Bars({ items, empty }: { items: BarItem[]; empty: string }): ReactNode {
  if (items.length === 0) return <p className="muted">{empty}</p>;
  const max = Math.max(...items.map((i) => Math.max(i.costUsd, i.budgetUsd ?? 0)), Number.MIN_VALUE);
  return (
    <ul className="bars">
      {items.map((item) => (
        <li key={item.label} className="bars-row">
          <span className="bars-label" title={item.label}>{item.label}</span>
          <span className="bars-track">
            <span className="bars-fill" style={{ width: `${(item.costUsd / max) * 100}%` }} />
            {item.budgetUsd ? <span className="bars-budget" style={{ left: `${(item.budgetUsd / max) * 100}%` }} title={`budget ${usd(item.budgetUsd)}`} /> : null}
          </span>
          <span className="bars-value">{usd(item.costUsd)}</span>
          <span className="bars-note muted">{count(item.calls)} call{item.calls === 1 ? '' : 's'}{item.note ? ` · ${item.note}` : ''}{item.budgetUsd ? ` · budget ${usd(item.budgetUsd)}` : ''}</span>
        </li>
      ))}
    </ul>
  );
}
