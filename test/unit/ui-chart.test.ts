import { describe, expect, it } from 'vitest';
import { markerLayout } from '../../ui/src/components/chart-markers.js';
import { spendScale } from '../../ui/src/components/chart-scale.js';
import { usdTick } from '../../ui/src/format.js';
import type { MarkerJson, MarkerKind } from '../../src/json/types.js';

function marks(kind: MarkerKind, n: number): MarkerJson[] {
  return Array.from({ length: n }, (_, i) => ({ at: i, kind, label: `${kind} ${i}`, seq: null, checkpointId: null }));
}

describe('the spend chart', () => {
  it('scales to the spend when the budget is far above it, and to the budget when it is near', () => {
    // $0.000168 of $1.00: the axis is the spend's, the budget is off the scale.
    expect(spendScale(0.000168, 1)).toEqual({ top: 0.000168 * 1.3, budgetShown: false });
    // Within 2x of the spend's axis top, the budget comes onto the axis.
    expect(spendScale(0.5, 1)).toEqual({ top: 1.3, budgetShown: true });
    expect(spendScale(0.4, 1)).toEqual({ top: 1.3, budgetShown: true });
    expect(spendScale(0.38, 1)).toEqual({ top: 0.38 * 1.3, budgetShown: false });
    // At or past the budget it is always shown.
    expect(spendScale(1.2, 1)).toEqual({ top: 1.2 * 1.3, budgetShown: true });
    expect(spendScale(0, 1)).toEqual({ top: 1.3, budgetShown: true });
    expect(spendScale(0, null)).toEqual({ top: 0.000001, budgetShown: false });
    expect(spendScale(2, null)).toEqual({ top: 2.6, budgetShown: false });
  });

  it('labels the axis with the digits its step needs', () => {
    expect([0, 0.00005, 0.0001, 0.00015, 0.0002].map((v) => usdTick(v, 0.00005))).toEqual(['$0', '$0.00005', '$0.00010', '$0.00015', '$0.00020']);
    expect([0.0000004, 0.0000008].map((v) => usdTick(v, 0.0000004))).toEqual(['$0.0000004', '$0.0000008']);
    expect([0.25, 0.5, 1].map((v) => usdTick(v, 0.25))).toEqual(['$0.25', '$0.50', '$1.00']);
    expect(usdTick(2, 1)).toBe('$2.00');
  });

  it('draws few checkpoints, resumes and the stop as lines, and everything dense as a rug', () => {
    const { lines, lanes } = markerLayout([...marks('refusal', 500), ...marks('cap', 500), ...marks('checkpoint', 3), ...marks('stop', 1), ...marks('loop', 1)]);
    expect(lines.map((m) => m.kind)).toEqual(['checkpoint', 'checkpoint', 'checkpoint', 'stop']);
    expect([...lanes].map(([kind, list]) => [kind, list.length])).toEqual([['refusal', 500], ['loop', 1], ['cap', 500]]);
    // 200 checkpoints are a rug too.
    expect([...markerLayout(marks('checkpoint', 200)).lanes.keys()]).toEqual(['checkpoint']);
  });
});
