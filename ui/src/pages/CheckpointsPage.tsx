import { useState, type ReactNode } from 'react';
import type { CheckpointDetailJson, CheckpointJson, RunDetailJson } from '../api.js';
import { CopyCommand } from '../components/CopyCommand.js';
import { JsonTree } from '../components/JsonTree.js';
import { Notice } from '../components/Notice.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { bytes, dateTime, usd } from '../format.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

function CheckpointState({ id }: { id: string }): ReactNode {
  // A saved state never changes: no live refetch.
  const { data, error, loading } = useApi<CheckpointDetailJson>(`/api/checkpoints/${encodeURIComponent(id)}`, false);
  if (!data) return <Notice error={error} loading={loading} />;
  return (
    <div className="checkpoint-detail" data-testid="checkpoint-state">
      <div className="commands">
        <CopyCommand label="make it the head" command={data.commands.rollback} />
        <CopyCommand label="then continue from it" command={data.commands.resume} />
      </div>
      <JsonTree value={data.state} />
    </div>
  );
}

function Item({ c, open, onToggle }: { c: CheckpointJson; open: boolean; onToggle: () => void }): ReactNode {
  return (
    <li className={`timeline-item status-${c.status}`} data-checkpoint={c.id}>
      <span className="timeline-dot" aria-hidden="true" />
      <button type="button" className="timeline-head" onClick={onToggle} aria-expanded={open}>
        <span className="mono muted">#{c.seq}</span> <strong>{c.name}</strong> <StatusBadge status={c.status} />
        <span className="muted"> {usd(c.spentUsd)} spent so far · {bytes(c.sizeBytes)} · {dateTime(c.createdAt)}</span>
        <span className="mono muted"> {c.id}</span>
      </button>
      {open ? <CheckpointState id={c.id} /> : null}
    </li>
  );
}

/** A run's checkpoints as a timeline (active, head, superseded); each opens to its state and the commands to roll back to it. */
export function CheckpointsPage({ runId }: { runId: string }): ReactNode {
  const { data: run } = useApi<RunDetailJson>(`/api/runs/${encodeURIComponent(runId)}`);
  const { data, error, loading } = useApi<CheckpointJson[]>(`/api/runs/${encodeURIComponent(runId)}/checkpoints`);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string): void => setOpen((s) => { const next = new Set(s); if (next.has(id)) next.delete(id); else next.add(id); return next; });
  return (
    <section>
      <p className="crumbs"><Link to="/">Runs</Link> / <Link to={`/runs/${encodeURIComponent(runId)}`} className="mono">{runId}</Link> / checkpoints</p>
      <h1>Checkpoints</h1>
      {run ? <p className="muted">{run.script} · <StatusBadge status={run.status} /> · head {run.headCheckpoint ?? 'none'}{run.status === 'running' ? ' · a running run cannot be rolled back' : ''}</p> : null}
      <p className="muted small">Read-only: copy a command to act on a checkpoint. A rollback keeps later checkpoints and calls, marked superseded.</p>
      <Notice error={error} loading={loading && !data} />
      {data && data.length === 0 ? <p className="muted">This run saved no checkpoints (<code>checkpoint(name, state)</code> from &apos;wflo&apos; saves one).</p> : null}
      {data && data.length > 0 ? (
        <ol className="timeline" data-testid="checkpoint-timeline">
          {data.map((c) => <Item key={c.id} c={c} open={open.has(c.id)} onToggle={() => toggle(c.id)} />)}
        </ol>
      ) : null}
    </section>
  );
}
