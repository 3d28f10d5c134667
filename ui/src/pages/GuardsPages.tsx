import type { ReactNode } from 'react';
import type { CircuitJson, DeadLetterJson } from '../api.js';
import { Notice } from '../components/Notice.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { dateTime } from '../format.js';
import { Link, useLocation } from '../router.js';
import { useApi } from '../use-api.js';

/** Circuit breakers kept across runs, in their state now (as `wflo circuits`). */
export function CircuitsPage(): ReactNode {
  const { data, error, loading } = useApi<CircuitJson[]>('/api/circuits');
  return (
    <section>
      <h1>Circuits</h1>
      <p className="muted small">Per provider and model, and agents' burn-rate breakers. <code>wflo circuits reset &lt;name&gt;</code> closes one.</p>
      <Notice error={error} loading={loading && !data} />
      {data ? (
        <table className="table" data-testid="circuits-table">
          <thead><tr><th>circuit</th><th>kind</th><th>state</th><th>probe at</th><th>last error</th><th>run</th><th>updated</th></tr></thead>
          <tbody>
            {data.length === 0 ? <tr><td colSpan={7} className="muted">no circuits recorded yet</td></tr> : null}
            {data.map((c) => (
              <tr key={c.name}>
                <td className="mono">{c.name}</td><td>{c.kind}</td><td><StatusBadge status={c.state} /></td>
                <td>{c.retryAt ? dateTime(c.retryAt) : '—'}</td><td>{c.lastError ?? '—'}</td>
                <td>{c.runId ? <Link to={`/runs/${encodeURIComponent(c.runId)}`} className="mono">{c.runId}</Link> : '—'}</td>
                <td>{dateTime(c.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** Calls given up on after their retries, newest first (as `wflo dlq`), optionally of one run. */
export function DeadLettersPage(): ReactNode {
  const { query } = useLocation();
  const run = query.get('run');
  const { data, error, loading } = useApi<DeadLetterJson[]>(`/api/dlq?limit=200${run ? `&run=${encodeURIComponent(run)}` : ''}`);
  return (
    <section>
      <h1>Dead letters{run ? <> of <Link to={`/runs/${encodeURIComponent(run)}`} className="mono">{run}</Link></> : null}</h1>
      <Notice error={error} loading={loading && !data} />
      {data ? (
        <table className="table" data-testid="dlq-table">
          <thead><tr><th>when</th><th>run</th><th>calls</th><th>agent</th><th>model</th><th className="num">attempts</th><th>status</th><th>error</th><th>request</th></tr></thead>
          <tbody>
            {data.length === 0 ? <tr><td colSpan={9} className="muted">no dead letters</td></tr> : null}
            {data.map((d) => (
              <tr key={`${d.runId}-${d.firstSeq}`}>
                <td>{dateTime(d.createdAt)}</td>
                <td><Link to={`/runs/${encodeURIComponent(d.runId)}`} className="mono">{d.runId}</Link></td>
                <td className="mono">{d.firstSeq === d.lastSeq ? `#${d.firstSeq}` : `#${d.firstSeq}–#${d.lastSeq}`}</td>
                <td>{d.agent ?? '—'}</td><td>{d.provider}/{d.model}</td><td className="num">{d.attempts}</td>
                <td>{d.httpStatus ?? '—'}</td><td>{d.error}</td>
                <td><details><summary className="muted">summary</summary><pre className="mono small">{JSON.stringify(d.summary, null, 2)}</pre></details></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
