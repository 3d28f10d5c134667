import type { ReactNode } from 'react';

const LABELS: Readonly<Record<string, string>> = {
  budget_exceeded: 'budget exceeded', loop_detected: 'loop detected', in_flight: 'in flight', 'half-open': 'half-open',
};

/** A status as a coloured pill; the colour comes from the status name (styles.css). */
export function StatusBadge({ status }: { status: string }): ReactNode {
  return <span className={`badge badge-${status}`} data-status={status}>{LABELS[status] ?? status.replace(/_/g, ' ')}</span>;
}
