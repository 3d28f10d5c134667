import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MarkerJson, MarkerKind, TimelineJson } from '../api.js';
import { usd, usdTick } from '../format.js';
import { drawMarkers, MARKER_COLORS, nearestMarker } from './chart-markers.js';
import { spendScale, type SpendScale } from './chart-scale.js';

export { MARKER_COLORS } from './chart-markers.js';

const HEIGHT = 260;

type Data = [number[], Array<number | null>, Array<number | null>];

/** The highest spend on the chart: the run's total, or the curve's end if a call landed since. */
function peak(t: TimelineJson): number {
  return Math.max(t.spentUsd, t.points.at(-1)?.[1] ?? 0);
}

/** The chart's columns: time in seconds (uPlot's time axis), spend, and the budget as a flat line (null: not drawn). */
function columns(t: TimelineJson, scale: SpendScale): Data {
  const points = t.points.length > 0 ? t.points : [[t.startedAt, 0] as [number, number]];
  // A running run's line goes on to now, flat since its last call.
  const end = t.endedAt ?? Date.now();
  const last = points[points.length - 1]!;
  const all = end > last[0] ? [...points, [end, last[1]] as [number, number]] : points;
  const budget = scale.budgetShown ? t.budgetUsd : null;
  return [all.map((p) => p[0] / 1000), all.map((p) => p[1]), all.map(() => budget)];
}

/** What the legend says of the budget: its amount, and that it is off the scale when the axis stops short of it. */
function budgetText(budget: number | null, scale: SpendScale): string {
  if (budget === null) return 'none';
  return scale.budgetShown ? usd(budget) : `${usd(budget)}, off the scale`;
}

/**
 * Spend over time (a step line) on an axis scaled to the spend, the budget line when it is near
 * enough to be on that axis, lines for checkpoints, resumes and the stop, and a rug of ticks
 * along the top for refusals, calls fitted to the budget, loops and circuit trips. Hovering near
 * a mark draws it across the chart and names it under the chart.
 */
export function SpendChart({ timeline }: { timeline: TimelineJson }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const hoverText = useRef<HTMLParagraphElement>(null);
  const chart = useRef<uPlot | null>(null);
  const scale = spendScale(peak(timeline), timeline.budgetUsd);
  // uPlot's callbacks are made once; they read the latest data through these.
  const latest = useRef({ timeline, scale, hovered: null as MarkerJson | null });
  latest.current.timeline = timeline;
  latest.current.scale = scale;

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const options: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: HEIGHT,
      scales: { x: { time: true }, y: { range: () => [0, latest.current.scale.top] } },
      series: [
        {},
        { label: 'spent', stroke: '#2f80ed', fill: 'rgba(47,128,237,0.12)', width: 2, paths: uPlot.paths.stepped?.({ align: 1 }), value: (_u, v) => (v === null ? '—' : usd(v)) },
        { label: 'budget', stroke: '#d64545', width: 1.5, dash: [6, 4], points: { show: false }, value: () => budgetText(latest.current.timeline.budgetUsd, latest.current.scale) },
      ],
      // Labels carry the digits their step needs: an axis to $0.0002 reads $0.00005, $0.0001…, not $0.00 five times.
      axes: [{}, { values: (_u, splits) => splits.map((v) => usdTick(v, splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : v)), size: 80 }],
      hooks: {
        draw: [(u) => drawMarkers(u, latest.current.timeline.markers, latest.current.hovered)],
        setCursor: [(u) => {
          const left = u.cursor.left ?? -1;
          const hovered = left < 0 ? null : nearestMarker(u, latest.current.timeline.markers, left);
          if (hovered === latest.current.hovered) return;
          latest.current.hovered = hovered;
          if (hoverText.current) hoverText.current.textContent = hovered ? hovered.label : '';
          u.redraw(false, false);
        }],
      },
    };
    const u = new uPlot(options, columns(timeline, scale), el);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(300, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => { resize.disconnect(); u.destroy(); chart.current = null; };
    // Created once; new data goes in through setData below, so a live run's chart does not flicker.
  }, []);

  useEffect(() => { chart.current?.setData(columns(timeline, scale)); }, [timeline, scale.top, scale.budgetShown]);

  return (
    <>
      <div className="chart" ref={box} data-testid="spend-chart" />
      {timeline.budgetUsd !== null && !scale.budgetShown ? (
        <p className="muted small chart-note" data-testid="budget-note">
          budget {usd(timeline.budgetUsd)}, off the scale: {usd(peak(timeline))} spent is {percentOf(peak(timeline), timeline.budgetUsd)} of it
        </p>
      ) : null}
      <p className="muted small chart-note chart-hover" ref={hoverText} aria-live="polite" />
    </>
  );
}

/** "0.02%", with a digit more for shares under 1%. */
function percentOf(part: number, whole: number): string {
  const pct = (part / whole) * 100;
  return `${pct >= 1 ? pct.toFixed(1) : pct >= 0.01 ? pct.toFixed(2) : '<0.01'}%`;
}

/** The marks' legend: each kind with how many the run has; lines or ticks as on the chart. */
export function MarkerLegend({ counts }: { counts: Readonly<Record<MarkerKind, number>> }): ReactNode {
  const kinds = (Object.keys(MARKER_COLORS) as MarkerKind[]).filter((k) => counts[k] > 0);
  if (kinds.length === 0) return null;
  return (
    <ul className="legend">
      {kinds.map((k) => (
        <li key={k}><span className="legend-swatch" style={{ background: MARKER_COLORS[k] }} />{k === 'cap' ? 'fitted to budget' : k} <span className="muted">{counts[k]}</span></li>
      ))}
    </ul>
  );
}
