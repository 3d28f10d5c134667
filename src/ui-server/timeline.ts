import { nanoToUsd } from '../ledger/money.js';
import type { SpendStep } from '../store/call-reader.js';

/**
 * Cumulative spend over time, at most `maxPoints` points: time is cut into equal buckets and
 * each keeps the spend at its end (spend only grows, so that is its highest). The first and last
 * moments are always kept, so the chart starts at the first call and ends at the run's total.
 */
export function spendCurve(steps: readonly SpendStep[], maxPoints: number): Array<[number, number]> {
  if (steps.length === 0) return [];
  const first = steps[0]!.at;
  const last = steps[steps.length - 1]!.at;
  const buckets = Math.max(1, maxPoints - 1);
  const width = (last - first) / buckets;
  const points: Array<[number, number]> = [];
  let spent = 0;
  let bucketOf = -1;
  for (const step of steps) {
    spent += step.costNano;
    const bucket = width === 0 ? 0 : Math.min(buckets - 1, Math.floor((step.at - first) / width));
    const point: [number, number] = [step.at, nanoToUsd(spent)];
    // Each bucket's last point replaces the ones before it in that bucket.
    if (bucket === bucketOf && points.length > 1) points[points.length - 1] = point;
    else points.push(point);
    bucketOf = bucket;
  }
  return points;
}
