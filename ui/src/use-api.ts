import { useEffect, useRef, useState } from 'react';
import { getJson } from './api.js';
import { useLive } from './live.js';

/** What a data hook holds: the last good answer (kept while a refresh is under way) and the last error. */
export interface ApiState<T> { data: T | undefined; total: number | null; error: Error | undefined; loading: boolean }

/** The most often one page refetches while a run writes: a busy run commits many times a second. */
const MIN_REFRESH_MS = 1000;

/**
 * GETs `path` (null: nothing yet), and again whenever the store changes (live), at most once a
 * second. The answer on screen stays until the new one arrives, so live pages do not flicker.
 */
export function useApi<T>(path: string | null, live = true): ApiState<T> {
  const { version } = useLive();
  const [state, setState] = useState<ApiState<T>>({ data: undefined, total: null, error: undefined, loading: path !== null });
  const lastFetch = useRef(0);
  const shownPath = useRef<string | null>(null);
  const [tick, setTick] = useState(0);
  const trigger = live ? version : 0;

  useEffect(() => {
    if (path === null) return;
    const samePath = shownPath.current === path;
    const wait = samePath ? lastFetch.current + MIN_REFRESH_MS - Date.now() : 0;
    if (wait > 0) {
      const timer = setTimeout(() => setTick((t) => t + 1), wait);
      return () => clearTimeout(timer);
    }
    const abort = new AbortController();
    lastFetch.current = Date.now();
    if (!samePath) setState({ data: undefined, total: null, error: undefined, loading: true });
    getJson<T>(path, abort.signal).then(
      ({ body, total }) => { shownPath.current = path; setState({ data: body, total, error: undefined, loading: false }); },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        shownPath.current = path;
        setState((s) => ({ ...s, error: err instanceof Error ? err : new Error(String(err)), loading: false }));
      },
    );
    return () => abort.abort();
  }, [path, trigger, tick]);

  return state;
}
