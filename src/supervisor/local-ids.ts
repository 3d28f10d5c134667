/** How many of a connection's lease-granted calls stay nameable after they settle (retries and dead letters name recent ones). */
const REMEMBERED = 1024;

/**
 * The seq of each call a hook granted from its lease, by connection and the hook's own number
 * (the hook names it -lid). Bounded: a long run does not grow it.
 */
export class LocalIds {
  private readonly byConnection = new Map<number, Map<number, number>>();

  add(connection: number, lid: number, seq: number): void {
    let ids = this.byConnection.get(connection);
    if (!ids) { ids = new Map(); this.byConnection.set(connection, ids); }
    ids.set(lid, seq);
    if (ids.size > REMEMBERED) ids.delete(ids.keys().next().value as number);
  }

  /** The seq a hook's call id names: its own ids are negative; 0 when unknown (no call has seq 0). */
  seqOf(connection: number, callId: number): number {
    return callId > 0 ? callId : this.byConnection.get(connection)?.get(-callId) ?? 0;
  }

  forget(connection: number): void {
    this.byConnection.delete(connection);
  }
}
