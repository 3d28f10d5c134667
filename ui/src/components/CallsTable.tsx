import { useState, type ReactNode } from 'react';
import type { CallJson, CallOutcome, CallPageJson, CallSort } from '../api.js';
import { clockTime, count, duration, usd } from '../format.js';
import { useApi } from '../use-api.js';
import { Notice } from './Notice.js';
import { Pager } from './Pager.js';
import { StatusBadge } from './StatusBadge.js';

const PAGE = 50;
const OUTCOMES: CallOutcome[] = ['ok', 'error', 'estimated', 'replayed', 'refused', 'capped', 'in_flight'];
const COLUMNS: Array<{ key: string; label: string; sort: CallSort | null; numeric?: boolean }> = [
  { key: 'seq', label: '#', sort: 'seq', numeric: true }, { key: 'time', label: 'time', sort: 'time' }, { key: 'agent', label: 'agent', sort: 'agent' },
  { key: 'model', label: 'model', sort: 'model' }, { key: 'endpoint', label: 'endpoint', sort: null },
  { key: 'tokens', label: 'tokens in / cached / out', sort: 'tokens', numeric: true }, { key: 'cost', label: 'cost', sort: 'cost', numeric: true },
  { key: 'latency', label: 'latency', sort: 'latency', numeric: true }, { key: 'status', label: 'status', sort: 'status' },
];

function tokens(c: CallJson): string {
  const extra = [c.cacheWriteTokens ? `${count(c.cacheWriteTokens)} cache write` : '', c.reasoningTokens ? `${count(c.reasoningTokens)} reasoning` : ''].filter(Boolean).join(', ');
  return `${count(c.inputTokens)} / ${count(c.cachedInputTokens)} / ${count(c.outputTokens)}${extra ? ` (${extra})` : ''}`;
}

function Row({ c }: { c: CallJson }): ReactNode {
  const why = c.error ?? (c.outputCap === null ? null : `output limit lowered to ${c.outputCap} tokens to fit the budget`);
  return (
    <tr className={c.superseded ? 'superseded' : undefined} data-seq={c.seq}>
      <td className="num">{c.seq}{c.tryNumber > 1 ? <span className="muted" title={`retry ${c.tryNumber} of call #${c.retryOf ?? '?'}`}> ↻{c.tryNumber}</span> : null}</td>
      <td title={c.startedAt}>{clockTime(c.startedAt)}</td>
      <td>{c.agent ?? <span className="muted">—</span>}</td>
      <td title={c.responseModel ?? c.model}>{c.model}</td>
      <td>{c.endpoint}{c.stream ? <span className="muted"> stream</span> : null}</td>
      <td className="num">{tokens(c)}</td>
      <td className="num" title={`reserved ${usd(c.reservedUsd)}`}>{usd(c.costUsd)}</td>
      <td className="num">{c.latencyMs === null ? '—' : duration(c.latencyMs)}{c.waitedMs === null ? null : <span className="muted" title="waited for budget"> +{duration(c.waitedMs)}</span>}</td>
      <td title={why ?? undefined}><StatusBadge status={c.status} /></td>
    </tr>
  );
}

/** The run's calls, sorted and paged by the server (a run of 50,000 calls reads one page at a time). */
export function CallsTable({ runId }: { runId: string }): ReactNode {
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<CallSort>('seq');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [status, setStatus] = useState<CallOutcome | ''>('');
  const query = new URLSearchParams({ offset: String(offset), limit: String(PAGE), sort, order });
  if (status) query.set('status', status);
  const { data, error, loading } = useApi<CallPageJson>(`/api/runs/${encodeURIComponent(runId)}/calls?${query.toString()}`);

  const sortBy = (key: CallSort): void => {
    if (key === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else { setSort(key); setOrder(key === 'cost' || key === 'latency' || key === 'tokens' ? 'desc' : 'asc'); }
    setOffset(0);
  };

  return (
    <div className="calls">
      <div className="toolbar">
        <label>status{' '}
          <select value={status} onChange={(e) => { setStatus(OUTCOMES.find((o) => o === e.target.value) ?? ''); setOffset(0); }} aria-label="filter calls by status">
            <option value="">all</option>
            {OUTCOMES.map((o) => <option key={o} value={o}>{o.replace('_', ' ')}</option>)}
          </select>
        </label>
        {data ? <Pager offset={offset} limit={PAGE} total={data.total} onOffset={setOffset} /> : null}
      </div>
      <Notice error={error} loading={loading && !data} />
      {data ? (
        <table className="table" data-testid="calls-table">
          <thead>
            <tr>
              {COLUMNS.map((col) => {
                const sorted = col.sort !== null && col.sort === sort;
                return (
                  <th key={col.key} className={col.numeric ? 'num' : undefined} aria-sort={sorted ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {col.sort === null ? col.label : (
                      <button type="button" className="sort" onClick={() => sortBy(col.sort ?? 'seq')}>{col.label}{sorted ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</button>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {data.calls.length === 0 ? <tr><td colSpan={COLUMNS.length} className="muted">no calls{status ? ` with status ${status}` : ''}</td></tr> : null}
            {data.calls.map((c) => <Row key={c.seq} c={c} />)}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
