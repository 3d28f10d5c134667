/**
 * Stands between the caller's AbortSignal and the request. Until the response streams, an abort
 * goes straight through. Once it streams, the SDKs abort on a `break` (openai 6 does): the
 * provider has billed the whole answer by then, and its usage is usually a few bytes away.
 * The abort is then handed to the stream tap, which reads on for the usage briefly and aborts after.
 */
export class DeferredAbort {
  private readonly controller = new AbortController();
  private onAbort: ((reason: unknown) => void) | null = null;

  constructor(private readonly caller: AbortSignal | null | undefined) {
    if (!caller) return;
    if (caller.aborted) { this.controller.abort(caller.reason); return; }
    caller.addEventListener('abort', () => {
      if (this.onAbort) this.onAbort(caller.reason);
      else this.controller.abort(caller.reason);
    }, { once: true });
  }

  /** The signal to give fetch: the caller's, or none when the caller gave none. */
  get signal(): AbortSignal | undefined {
    return this.caller ? this.controller.signal : undefined;
  }

  /** From now on a caller's abort goes to `handler`, which must call `abort` when it is done. */
  defer(handler: (reason: unknown) => void): void {
    if (!this.controller.signal.aborted) this.onAbort = handler;
  }

  /** Aborts the request itself. */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }
}
