import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MarkerJson, MarkerKind, TimelineJson } from '../api.js';
import { usd } from '../format.js';

/** Colours of the marks, one per kind; the legend under the chart uses the same. */
export const MARKER_COLORS: Readonly<Record<MarkerKind, string>> = {
  checkpoint: '#2f80ed', refusal: '#d64545', cap: '#e0a100', loop: '#9b51e0', circuit: '#f2711c', resume: '#27ae60', stop: '#333333',
};
const HEIGHT = 260;

type Data = [number[], Array<number | null>, Array<number | null>];

/** The chart's columns: time in seconds (uPlot's time axis), spend, and the budget as a flat line. */
function columns(t: TimelineJson): Data {
  const points = t.points.length > 0 ? t.points : [[t.startedAt, 0] as [number, number]];
  // A running run's line goes on to now, flat since its last call.
  const end = t.endedAt ?? Date.now();
  const last = points[points.length - 1]!;
  const all = end > last[0] ? [...points, [end, last[1]] as [number, number]] : points;
  return [all.map((p) => p[0] / 1000), all.map((p) => p[1]), all.map(() => t.budgetUsd)];
}

function drawMarkers(u: uPlot, markers: readonly MarkerJson[]): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  for (const m of markers) {
    const x = Math.round(u.valToPos(m.at / 1000, 'x', true));
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.strokeStyle = MARKER_COLORS[m.kind];
    ctx.setLineDash(m.kind === 'checkpoint' || m.kind === 'stop' ? [] : [4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, bbox.top);
    ctx.lineTo(x + 0.5, bbox.top + bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

/** Spend over time (a step line), the budget line, and a vertical mark for each checkpoint, refusal, cap, loop, circuit trip, resume and the stop. */
export function SpendChart({ timeline }: { timeline: TimelineJson }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const markers = useRef<readonly MarkerJson[]>(timeline.markers);
  markers.current = timeline.markers;
  const budgetRef = useRef<number | null>(timeline.budgetUsd);
  budgetRef.current = timeline.budgetUsd;

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const options: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: HEIGHT,
      scales: {
        x: { time: true },
        y: { range: (_u, _min, max) => [0, Math.max(max, 0.000001) * 1.08] },
      },
      series: [
        {},
        { label: 'spent', stroke: '#2f80ed', fill: 'rgba(47,128,237,0.12)', width: 2, paths: uPlot.paths.stepped?.({ align: 1 }), value: (_u, v) => (v === null ? '—' : usd(v)) },
        { label: 'budget', stroke: '#d64545', width: 1.5, dash: [6, 4], points: { show: false }, value: () => (budgetRef.current === null ? 'none' : usd(budgetRef.current)) },
      ],
      axes: [{}, { values: (_u, splits) => splits.map((v) => usd(v)), size: 80 }],
      hooks: { draw: [(u) => drawMarkers(u, markers.current)] },
    };
    const u = new uPlot(options, columns(timeline), el);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(300, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => { resize.disconnect(); u.destroy(); chart.current = null; };
    // Created once; new data goes in through setData below, so a live run's chart does not flicker.
  }, []);

  useEffect(() => { chart.current?.setData(columns(timeline)); }, [timeline]);

  return <div className="chart" ref={box} data-testid="spend-chart" />;
}

/** The marks' legend: each kind with how many the run has. */
export function MarkerLegend({ counts }: { counts: Readonly<Record<MarkerKind, number>> }): ReactNode {
  const kinds = (Object.keys(MARKER_COLORS) as MarkerKind[]).filter((k) => counts[k] > 0);
  if (kinds.length === 0) return null;
  return (
    <ul className="legend">
      {kinds.map((k) => (
        <li key={k}><span className="legend-swatch" style={{ background: MARKER_COLORS[k] }} />{k === 'cap' ? 'fitted to budget' : k === 'circuit' ? 'circuit' : k} <span className="muted">{counts[k]}</span></li>
      ))}
    </ul>
  );
}
