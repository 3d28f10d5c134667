import type uPlot from 'uplot';
import type { MarkerJson, MarkerKind } from '../api.js';

/** Colours of the marks, one per kind; the legend under the chart uses the same. */
export const MARKER_COLORS: Readonly<Record<MarkerKind, string>> = {
  checkpoint: '#2f80ed', refusal: '#d64545', cap: '#e0a100', loop: '#9b51e0', circuit: '#f2711c', resume: '#27ae60', stop: '#333333',
};

/** Kinds that are few by nature and say where the run changed course: drawn as lines across the chart. */
const LINE_KINDS: ReadonlySet<MarkerKind> = new Set(['stop', 'resume', 'checkpoint']);
/** A line kind with more marks than this is a rug too: 200 checkpoint lines would hide the spend as surely as 500 refusals. */
const MAX_LINES_PER_KIND = 24;
/** The rug's rows along the top edge, one per kind, in this order from the top. */
const RUG_ORDER: readonly MarkerKind[] = ['refusal', 'loop', 'circuit', 'cap', 'checkpoint', 'resume', 'stop'];
/** CSS pixels. */
const LANE = 7;
const TICK = 5;

/** Which marks are lines and which are ticks in the rug (and in which row). */
export function markerLayout(markers: readonly MarkerJson[]): { lines: MarkerJson[]; lanes: Map<MarkerKind, MarkerJson[]> } {
  const byKind = new Map<MarkerKind, MarkerJson[]>();
  for (const m of markers) {
    const list = byKind.get(m.kind) ?? [];
    list.push(m);
    byKind.set(m.kind, list);
  }
  const lines: MarkerJson[] = [];
  const lanes = new Map<MarkerKind, MarkerJson[]>();
  for (const kind of RUG_ORDER) {
    const list = byKind.get(kind);
    if (!list) continue;
    if (LINE_KINDS.has(kind) && list.length <= MAX_LINES_PER_KIND) lines.push(...list);
    else lanes.set(kind, list);
  }
  return { lines, lanes };
}

/**
 * Draws the marks over the chart: the rare kinds as thin lines across it, the dense ones
 * (refusals, calls fitted to the budget, loops, circuit trips) as short ticks in one row per kind
 * along the top edge, so 1,000 of them read as a rug and the spend line stays in sight. The mark
 * nearest the cursor (`hovered`) is drawn across the chart, whatever its kind.
 */
export function drawMarkers(u: uPlot, markers: readonly MarkerJson[], hovered: MarkerJson | null): void {
  const { ctx, bbox } = u;
  const px = devicePixelRatio;
  const xOf = (m: MarkerJson): number | null => {
    const x = Math.round(u.valToPos(m.at / 1000, 'x', true));
    return x < bbox.left || x > bbox.left + bbox.width ? null : x + 0.5;
  };
  const { lines, lanes } = markerLayout(markers);
  ctx.save();
  ctx.lineWidth = Math.max(1, px);
  const across = (m: MarkerJson, alpha: number): void => {
    const x = xOf(m);
    if (x === null) return;
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = MARKER_COLORS[m.kind];
    ctx.setLineDash(m.kind === 'resume' ? [4 * px, 3 * px] : []);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
  };
  for (const m of lines) across(m, m.kind === 'stop' ? 0.9 : 0.55);
  ctx.setLineDash([]);
  let lane = 0;
  for (const [kind, list] of lanes) {
    const top = bbox.top + (lane * LANE + 1) * px;
    ctx.globalAlpha = 0.85;
    ctx.strokeStyle = MARKER_COLORS[kind];
    // One path per row: 500 ticks are one stroke, not 500.
    ctx.beginPath();
    for (const m of list) {
      const x = xOf(m);
      if (x === null) continue;
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + TICK * px);
    }
    ctx.stroke();
    lane++;
  }
  if (hovered) across(hovered, 1);
  ctx.restore();
}

/** The mark nearest to `left` (CSS pixels from the plot's left edge) within `reach` pixels, or null. */
export function nearestMarker(u: uPlot, markers: readonly MarkerJson[], left: number, reach = 4): MarkerJson | null {
  let best: MarkerJson | null = null;
  let bestDistance = reach + 1;
  for (const m of markers) {
    const d = Math.abs(u.valToPos(m.at / 1000, 'x') - left);
    if (d < bestDistance) { best = m; bestDistance = d; }
  }
  return best;
}
