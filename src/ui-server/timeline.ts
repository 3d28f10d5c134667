import { nanoToUsd } from '../ledger/money.js';
import type { SpendBucket } from '../store/call-reader.js';

/**
 * Cumulative spend over time from the run's spend per stretch of time (in time order): one point
 * per stretch, at its last call, with the spend to then (spend only grows, so that is the
 * stretch's highest). The curve starts at `startedAt` at $0, so the chart shows the time before
 * the first call landed, and ends at the run's total.
 */
export function spendCurve(buckets: readonly SpendBucket[], startedAt: number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  if ((buckets[0]?.at ?? Number.POSITIVE_INFINITY) > startedAt) points.push([startedAt, 0]);
  let spent = 0;
  for (const b of buckets) {
    spent += b.costNano;
    points.push([b.at, nanoToUsd(spent)]);
  }
  return points;
}
