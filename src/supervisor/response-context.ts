import type { Usage } from '../protocol/messages.js';
import type { RunStore } from '../store/run-store.js';

/**
 * Stored responses this run has seen (Responses API `previous_response_id`, `item_reference`),
 * with the most tokens each can bring into a later request: a response's whole context is at
 * most its input plus its output; one of its output items, at most its output. Kept in the
 * store so a resumed run still knows them.
 */
export class ResponseContext {
  private seen: Map<string, number> | undefined;

  constructor(private readonly store: RunStore, private readonly runId: string) {}

  /** Total tokens the refs can bring in, or the first ref wflo never saw. */
  tokensFor(refs: readonly string[]): number | string {
    if (refs.length === 0) return 0;
    const seen = this.load();
    let tokens = 0;
    for (const ref of refs) {
      const known = seen.get(ref);
      if (known === undefined) return ref;
      tokens += known;
    }
    return tokens;
  }

  /** Remembers a settled response: `refs[0]` is the response's id, the rest its output items' ids. */
  remember(refs: readonly string[], usage: Usage): void {
    const [response, ...items] = refs;
    if (response === undefined) return;
    const seen = this.load();
    const entries: Array<[string, number]> = [[response, usage.inputTokens + usage.outputTokens], ...items.map((id): [string, number] => [id, usage.outputTokens])];
    for (const [ref, tokens] of entries) {
      seen.set(ref, tokens);
      this.store.rememberContext(this.runId, ref, tokens);
    }
  }

  /** Read once, on first use: most runs never use stored responses. */
  private load(): Map<string, number> {
    this.seen ??= this.store.contextOf(this.runId);
    return this.seen;
  }
}
