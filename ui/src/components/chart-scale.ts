/** How far the spend axis goes, and whether the budget line is drawn on it. */
export interface SpendScale { top: number; budgetShown: boolean }

/** Room above the spend (and the budget) for the rug of marks along the chart's top edge. */
const HEADROOM = 1.3;
/** The budget is drawn when it is within this many times the spend's own axis top; beyond, it would flatten the line. */
const BUDGET_REACH = 2;
/** The axis of a run that spent nothing and has no budget: a flat line at $0 on a scale that is not [0, 0]. */
const EMPTY_TOP = 0.000001;

/**
 * The y axis scales to the spend, not to the budget: $0.000168 of $1.00 on a 0..$1 axis is a flat
 * line at zero. The budget line comes onto the axis when it is near enough to say something
 * (always when the spend nears or passes it); otherwise the legend states it, off the scale.
 */
export function spendScale(spent: number, budget: number | null): SpendScale {
  const spendTop = spent * HEADROOM;
  if (budget === null) return { top: spendTop > 0 ? spendTop : EMPTY_TOP, budgetShown: false };
  // A run that spent nothing yet has only its budget to show.
  if (spendTop === 0 || budget <= spendTop * BUDGET_REACH) return { top: Math.max(spendTop, budget * HEADROOM), budgetShown: true };
  return { top: spendTop, budgetShown: false };
}
