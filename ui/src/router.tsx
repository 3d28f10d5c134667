import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

// A router of a few lines: the pages are /, /runs/<id>, /runs/<id>/checkpoints, /circuits and /dlq.
// The server answers every non-API path with index.html, so links can be shared and reloaded.

const listeners = new Set<() => void>();

/** Goes to a page without reloading. */
export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = (): void => setTick((t) => t + 1);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => { listeners.delete(update); removeEventListener('popstate', update); };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** Replaces the query string (filters, paging) without adding a history entry per keystroke. */
export function replaceQuery(query: URLSearchParams): void {
  const search = query.toString();
  history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  for (const listener of listeners) listener();
}

/** A link that navigates in the page (a modified click still opens a new tab). */
export function Link({ to, children, className, title }: { to: string; children: ReactNode; className?: string; title?: string }): ReactNode {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
    scrollTo(0, 0);
  };
  return <a href={to} onClick={onClick} className={className} title={title}>{children}</a>;
}
