import type { ReactNode } from 'react';
import { ApiError } from '../api.js';

/** What to show while data loads, or when it failed (a 404 says what was not found). */
export function Notice({ error, loading }: { error: Error | undefined; loading: boolean }): ReactNode {
  if (error) return <p className="notice notice-error" role="alert">{error instanceof ApiError && error.status === 404 ? error.message : `Cannot load: ${error.message}`}</p>;
  if (loading) return <p className="notice muted">Loading…</p>;
  return null;
}
