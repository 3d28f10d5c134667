import type { Usage } from '../protocol/messages.js';
import type { RunStore } from '../store/run-store.js';

/** Refs kept in memory: a conversation refers to its latest responses; older ones are read from the store. */
const RECENT = 1000;

/**
 * Stored responses this run has seen (Responses API `previous_response_id`, `item_reference`),
 * with the most tokens each can bring into a later request: a response's whole context is at
 * most its input plus its output; one of its output items, at most its output. Kept in the
 * store (so a resumed run still knows them), with only the latest in memory: the supervisor's
 * memory stays flat however many responses a run makes.
 */
export class ResponseContext {
  private readonly recent = new Map<string, number>();

  constructor(private readonly store: RunStore, private readonly runId: string) {}

  /** Total tokens the refs can bring in, or the first ref wflo never saw. */
  tokensFor(refs: readonly string[]): number | string {
    let tokens = 0;
    for (const ref of refs) {
      const known = this.recent.get(ref) ?? this.store.contextTokens(this.runId, ref);
      if (known === undefined) return ref;
      tokens += known;
    }
    return tokens;
  }

  /** Remembers a settled response: `refs[0]` is the response's id, the rest its output items' ids. */
  remember(refs: readonly string[], usage: Usage): void {
    for (const [ref, tokens] of contextEntries(refs, usage)) {
      this.keep(ref, tokens);
      this.store.rememberContext(this.runId, ref, tokens);
    }
  }

  private keep(ref: string, tokens: number): void {
    this.recent.delete(ref);
    this.recent.set(ref, tokens);
    if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value as string);
  }
}

/**
 * What a settled response lets later requests bring in, by id: the response (its input and
 * output), each of its output items (output only). `refs[0]` is the response's id.
 */
export function contextEntries(refs: readonly string[], usage: Usage): Array<[string, number]> {
  const [response, ...items] = refs;
  if (response === undefined) return [];
  return [[response, usage.inputTokens + usage.outputTokens], ...items.map((id): [string, number] => [id, usage.outputTokens])];
}
