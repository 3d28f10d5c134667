import type { ReactNode } from 'react';
import type { RunJson, RunStatusJson } from '../api.js';
import { Notice } from '../components/Notice.js';
import { Pager } from '../components/Pager.js';
import { SpendBar } from '../components/SpendBar.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { count, dateTime, runDuration, scriptName } from '../format.js';
import { Link, replaceQuery, useLocation } from '../router.js';
import { useNow } from '../use-now.js';
import { useApi } from '../use-api.js';

const STATUSES: RunStatusJson[] = ['running', 'completed', 'failed', 'budget_exceeded', 'loop_detected', 'interrupted'];
const PAGE = 50;

/** Runs, newest first: filter by status and script, search by id; the filters live in the URL. */
export function RunsPage(): ReactNode {
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const script = query.get('script') ?? '';
  const q = query.get('q') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const set = (name: string, value: string): void => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value); else next.delete(name);
    if (name !== 'offset') next.delete('offset');
    replaceQuery(next);
  };
  const api = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (status) api.set('status', status);
  if (script.trim()) api.set('script', script.trim());
  if (q.trim()) api.set('q', q.trim());
  const { data, total, error, loading } = useApi<RunJson[]>(`/api/runs?${api.toString()}`);
  const now = useNow(data?.some((r) => r.status === 'running') ?? false);

  return (
    <section>
      <h1>Runs</h1>
      <form className="toolbar filters" onSubmit={(e) => e.preventDefault()} role="search">
        <label>status{' '}
          <select value={status} onChange={(e) => set('status', e.target.value)} aria-label="filter by status">
            <option value="">all</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}
          </select>
        </label>
        <label>script{' '}<input type="search" value={script} placeholder="part of the path" onChange={(e) => set('script', e.target.value)} aria-label="filter by script" /></label>
        <label>run id{' '}<input type="search" value={q} placeholder="run-…" onChange={(e) => set('q', e.target.value)} aria-label="search by run id" /></label>
        {total !== null && total > PAGE ? <Pager offset={offset} limit={PAGE} total={total} onOffset={(o) => set('offset', String(o))} /> : null}
      </form>
      <Notice error={error} loading={loading && !data} />
      {data ? (
        <table className="table" data-testid="runs-table">
          <thead>
            <tr><th>run</th><th>status</th><th>script</th><th>spent / budget</th><th className="num">calls</th><th className="num">duration</th><th className="num">attempts</th><th>started</th></tr>
          </thead>
          <tbody>
            {data.length === 0 ? <tr><td colSpan={8} className="muted">{status || script || q ? 'no run matches these filters' : 'no runs yet: wflo run <script> records one here'}</td></tr> : null}
            {data.map((r) => (
              <tr key={r.runId} data-run={r.runId}>
                <td><Link to={`/runs/${encodeURIComponent(r.runId)}`} className="mono">{r.runId}</Link>{r.simulated ? <span className="tag" title="simulated provider: no real cost">sim</span> : null}</td>
                <td><StatusBadge status={r.status} /></td>
                <td title={`${r.script} ${r.args.join(' ')}`.trim()}>{scriptName(r.script)}</td>
                <td><SpendBar spent={r.spentUsd} budget={r.budgetUsd} /></td>
                <td className="num">{count(r.llmCalls)}</td>
                <td className="num">{runDuration(r, now)}</td>
                <td className="num">{r.attempts}</td>
                <td>{dateTime(r.startedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
