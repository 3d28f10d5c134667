import { useState, type ReactNode } from 'react';
import type { RunDetailJson, TimelineJson } from '../api.js';
import { Bars } from '../components/Bars.js';
import { CallsTable } from '../components/CallsTable.js';
import { Notice } from '../components/Notice.js';
import { MarkerLegend, MARKER_COLORS, SpendChart } from '../components/SpendChart.js';
import { SpendBar } from '../components/SpendBar.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { clockTime, count, dateTime, duration, runDuration, usd } from '../format.js';
import { Link } from '../router.js';
import { useNow } from '../use-now.js';
import { useApi, type ApiState } from '../use-api.js';

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }): ReactNode {
  return <div className="stat" title={hint}><div className="stat-value">{value}</div><div className="stat-label muted">{label}</div></div>;
}

function Timeline({ timeline }: { timeline: ApiState<TimelineJson> }): ReactNode {
  const { data, error, loading } = timeline;
  const [all, setAll] = useState(false);
  if (!data) return <Notice error={error} loading={loading} />;
  const notable = data.markers.filter((m) => m.kind !== 'cap');
  const shown = all ? notable : notable.slice(-8);
  return (
    <>
      <SpendChart timeline={data} />
      <MarkerLegend counts={data.markerCounts} />
      {notable.length > 0 ? (
        <ol className="events">
          {shown.map((m, i) => (
            <li key={`${m.kind}-${m.at}-${i}`}>
              <span className="legend-swatch" style={{ background: MARKER_COLORS[m.kind] }} />
              <span className="mono muted">{clockTime(new Date(m.at).toISOString())}</span> {m.label}
            </li>
          ))}
          {notable.length > shown.length || all ? (
            <li><button type="button" className="link" onClick={() => setAll(!all)}>{all ? 'show the last 8' : `show all ${notable.length} events`}</button></li>
          ) : null}
        </ol>
      ) : null}
    </>
  );
}

/** The run's outcome: status, script, why it stopped, the figures. */
function RunHead({ run, now }: { run: RunDetailJson; now: number }): ReactNode {
  return (
    <>
      <div className="run-head">
        <h1 className="mono">{run.runId}</h1>
        <StatusBadge status={run.status} />
        {run.simulated ? <span className="tag">simulated</span> : null}
        {run.exitCode === null ? null : <span className="muted">exit {run.exitCode}</span>}
      </div>
      <p className="mono script" title={run.cwd}>{run.script} {run.args.join(' ')}</p>
      {run.error ? <p className="notice notice-stop"><strong>stopped:</strong> {run.error}</p> : null}
      {run.rolledBack ? <p className="notice">Rolled back to {run.headCheckpoint ?? 'its start'}: <code>wflo resume {run.runId}</code> continues from there.</p> : null}
      <div className="stats">
        <Stat label="spent / budget" value={<SpendBar spent={run.spentUsd} budget={run.budgetUsd} />} hint={run.budgetUsedPct === null ? undefined : `${run.budgetUsedPct}% of the budget`} />
        <Stat label="LLM calls" value={count(run.llmCalls)} hint="billed calls: refused and replayed ones are not billed" />
        <Stat label="duration" value={runDuration(run, now)} hint={`started ${dateTime(run.startedAt)}`} />
        <Stat label="attempts" value={run.attempts} />
        <Stat label="refused" value={count(run.refusedCalls)} />
        <Stat label="fitted to budget" value={count(run.cappedCalls)} />
        <Stat label="replayed" value={count(run.replayedCalls)} hint="served from the journal, free" />
        <Stat label="dead letters" value={count(run.deadLetters)} />
        <Stat label="checkpoints" value={<Link to={`/runs/${encodeURIComponent(run.runId)}/checkpoints`}>{run.headCheckpoint ? 'view' : 'none'}</Link>} hint={run.headCheckpoint ? `head ${run.headCheckpoint}` : undefined} />
      </div>
    </>
  );
}

function Breakdowns({ run }: { run: RunDetailJson }): ReactNode {
  const modelItems = run.byModel.map((m) => ({ label: `${m.provider}/${m.model}`, costUsd: m.costUsd, calls: m.calls,
    note: `${count(m.inputTokens)} in (${count(m.cachedInputTokens)} cached) / ${count(m.outputTokens)} out${m.estimatedCalls ? ` · ${m.estimatedCalls} estimated` : ''}` }));
  const agentItems = run.byAgent.map((a) => ({ label: a.agent, costUsd: a.costUsd, calls: a.calls, budgetUsd: a.budgetUsd }));
  return (
    <div className="two">
      <div><h2>By model</h2><Bars items={modelItems} empty="no billed calls" /></div>
      <div><h2>By agent</h2><Bars items={agentItems} empty="no billed calls" /></div>
    </div>
  );
}

function Tools({ run }: { run: RunDetailJson }): ReactNode {
  return (
    <>
      <h2>Tools</h2>
      {run.tools.length === 0 ? <p className="muted">no tool calls recorded</p> : (
        <table className="table" data-testid="tools-table">
          <thead><tr><th>tool</th><th className="num">asked by model</th><th className="num">runs</th><th className="num">succeeded</th><th className="num">failed</th><th className="num">success rate</th><th className="num">median</th></tr></thead>
          <tbody>
            {run.tools.map((t) => (
              <tr key={t.name}>
                <td className="mono">{t.name}</td><td className="num">{count(t.asked)}</td><td className="num">{count(t.runs)}</td>
                <td className="num">{count(t.succeeded)}</td><td className="num">{count(t.failed)}</td>
                <td className="num">{t.successRate === null ? '—' : `${Math.round(t.successRate * 100)}%`}</td>
                <td className="num">{t.medianMs === null ? '—' : duration(t.medianMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {run.deadLetters > 0 ? <p><Link to={`/dlq?run=${encodeURIComponent(run.runId)}`}>{run.deadLetters} call{run.deadLetters === 1 ? '' : 's'} given up on after retries</Link></p> : null}
      <p className="muted small">spent {usd(run.spentUsd)} · started {dateTime(run.startedAt)}{run.endedAt ? ` · ended ${dateTime(run.endedAt)}` : ''}</p>
    </>
  );
}

/**
 * One run: outcome, spend over time with its marks, spend by model and agent, the calls, the
 * tools. The calls, the chart and the summary are requested together, in that order, and keep
 * their place in the tree, so a live refresh of the summary does not reload them.
 */
export function RunPage({ runId }: { runId: string }): ReactNode {
  // The order of the requests is the order the server answers them in (one thread, one request at
  // a time), and React runs a child's effects before its parent's: the calls table (a child) asks
  // first and the summary, the slowest answer of a long run, last.
  const timeline = useApi<TimelineJson>(`/api/runs/${encodeURIComponent(runId)}/timeline`);
  const { data: run, error, loading } = useApi<RunDetailJson>(`/api/runs/${encodeURIComponent(runId)}`);
  const now = useNow(run?.status === 'running');
  if (error && !run) return <section><h1 className="mono">{runId}</h1><Notice error={error} loading={false} /></section>;
  return (
    <section>
      <p className="crumbs"><Link to="/">Runs</Link> / <span className="mono">{runId}</span></p>
      {run ? <RunHead run={run} now={now} /> : <><h1 className="mono">{runId}</h1><Notice error={undefined} loading={loading} /></>}
      <h2>Spend over time</h2>
      <Timeline timeline={timeline} />
      {run ? <Breakdowns run={run} /> : null}
      <h2>Calls</h2>
      <CallsTable runId={runId} />
      {run ? <Tools run={run} /> : null}
    </section>
  );
}
