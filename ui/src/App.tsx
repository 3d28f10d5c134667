import type { ReactNode } from 'react';
import type { InfoJson } from './api.js';
import { useLive } from './live.js';
import { CheckpointsPage } from './pages/CheckpointsPage.js';
import { CircuitsPage, DeadLettersPage } from './pages/GuardsPages.js';
import { RunPage } from './pages/RunPage.js';
import { RunsPage } from './pages/RunsPage.js';
import { Link, useLocation } from './router.js';
import { useApi } from './use-api.js';

function decoded(segment: string): string {
  try { return decodeURIComponent(segment); } catch { return segment; }
}

/** The page for a path. */
function Page({ path }: { path: string }): ReactNode {
  const checkpoints = /^\/runs\/([^/]+)\/checkpoints\/?$/.exec(path);
  if (checkpoints?.[1]) return <CheckpointsPage key={checkpoints[1]} runId={decoded(checkpoints[1])} />;
  const run = /^\/runs\/([^/]+)\/?$/.exec(path);
  if (run?.[1]) return <RunPage key={run[1]} runId={decoded(run[1])} />;
  if (path === '/circuits') return <CircuitsPage />;
  if (path === '/dlq') return <DeadLettersPage />;
  if (path === '/' || path === '/runs') return <RunsPage />;
  return <section><h1>Not found</h1><p>No page at {path}. <Link to="/">All runs</Link></p></section>;
}

/** The frame: the nav, the store read, whether live updates are on, and the page. */
export function App(): ReactNode {
  const { path } = useLocation();
  const { connected } = useLive();
  const { data: info } = useApi<InfoJson>('/api/info', false);
  const here = (prefix: string): string => (prefix === '/' ? path === '/' || path.startsWith('/runs') : path.startsWith(prefix)) ? 'nav-here' : '';
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">wflo</Link>
        <nav>
          <Link to="/" className={here('/')}>Runs</Link>
          <Link to="/circuits" className={here('/circuits')}>Circuits</Link>
          <Link to="/dlq" className={here('/dlq')}>Dead letters</Link>
        </nav>
        <span className="store mono muted" title="the store this dashboard reads (read-only)">{info?.db ?? ''}</span>
        <span className={`live ${connected ? 'live-on' : 'live-off'}`} title={connected ? 'pages update as runs write to the store' : 'not connected: reload to see new data'}>{connected ? 'live' : 'offline'}</span>
      </header>
      <main><Page path={path} /></main>
    </>
  );
}
