import type { JournalEntry } from '../store/journal-store.js';

/** Journaled responses a resumed attempt may serve again, each at most once, oldest first per request. */
export class ReplayQueue {
  private readonly byKey = new Map<string, JournalEntry[]>();

  constructor(entries: JournalEntry[]) {
    for (const entry of entries) {
      const queue = this.byKey.get(entry.requestKey);
      if (queue) queue.push(entry); else this.byKey.set(entry.requestKey, [entry]);
    }
  }

  /** True once every journaled response was served. */
  get empty(): boolean {
    return this.byKey.size === 0;
  }

  take(requestKey: string | null): JournalEntry | undefined {
    if (requestKey === null) return undefined;
    const queue = this.byKey.get(requestKey);
    const entry = queue?.shift();
    if (queue?.length === 0) this.byKey.delete(requestKey);
    return entry;
  }
}
