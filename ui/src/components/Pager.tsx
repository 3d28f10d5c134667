import type { ReactNode } from 'react';
import { count } from '../format.js';

/** Previous / next over `total` items, `limit` a page. */
export function Pager({ offset, limit, total, onOffset }: { offset: number; limit: number; total: number; onOffset: (offset: number) => void }): ReactNode {
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <div className="pager">
      <button type="button" onClick={() => onOffset(0)} disabled={offset === 0} aria-label="first page">«</button>
      <button type="button" onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>previous</button>
      <span className="muted">page {count(page)} of {count(pages)} · {count(total)} in all</span>
      <button type="button" onClick={() => onOffset(offset + limit)} disabled={offset + limit >= total}>next</button>
      <button type="button" onClick={() => onOffset((pages - 1) * limit)} disabled={offset + limit >= total} aria-label="last page">»</button>
    </div>
  );
}
