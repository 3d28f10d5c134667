/** "$0.001234" style, as the CLI prints money: enough digits that small per-call costs are not $0. */
export function usd(value: number): string {
  if (value === 0) return '$0.00';
  const abs = Math.abs(value);
  if (abs >= 1) return `$${value.toFixed(2)}`;
  if (abs >= 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(6)}`;
}

/** 850ms, 12.3s, 4m05s, 2h03m. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A run's length: to its end, to now while it runs, unknown when its wflo died before it ended. */
export function runDuration(run: { startedAt: string; endedAt: string | null; status: string }, now: number): string {
  if (run.endedAt === null && run.status !== 'running') return '—';
  return duration((run.endedAt === null ? now : Date.parse(run.endedAt)) - Date.parse(run.startedAt));
}

/** Local date and time, to the second. */
export function dateTime(iso: string | number): string {
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Time of day with milliseconds, for calls. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** 1,234,567 */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** 512 B, 3.4 KB, 1.2 MB */
export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The last part of a script's path: what people call the script. */
export function scriptName(script: string): string {
  return script.split('/').pop() ?? script;
}

/**
 * An axis label in dollars with as many decimals as the step between labels needs: $0.00004,
 * $0.00008… rather than usd()'s six decimals, which would show $0.000000 for steps under $0.000001.
 */
export function usdTick(value: number, step: number): string {
  if (value === 0) return '$0';
  const decimals = Math.min(12, Math.max(2, Math.ceil(-Math.log10(Math.abs(step)) - 1e-9)));
  return `$${value.toFixed(decimals)}`;
}
