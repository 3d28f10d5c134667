import type { NoticeKind } from '../protocol/messages.js';
import type { SupervisorConnection } from './connection.js';

/** Sends a notice to the supervisor; the hook sends each kind once per process (the supervisor once per run). */
export type Notify = (kind: NoticeKind, message: string) => void;

/** A Notify that sends each kind of notice at most once from this process. */
export function notifyOnce(connection: SupervisorConnection): Notify {
  const sent = new Set<NoticeKind>();
  return (kind, message) => {
    if (sent.has(kind)) return;
    sent.add(kind);
    connection.notice({ kind, message });
  };
}
