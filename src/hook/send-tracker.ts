import { subscribe } from 'node:diagnostics_channel';

/** A header that tells the undici request apart; removed before anything is written. */
export const MARK = 'x-wflo-send';

/** waiting: granted, not handed to fetch yet; handed: fetch called; created: undici built the request; sent: its headers went out. */
type State = 'waiting' | 'handed' | 'created' | 'sent';
interface Tracked { state: State; unsent: () => void }
interface UndiciRequest { headers?: unknown }

/** Takes the mark out of an undici request's headers (a flat name/value array, or raw lines in older undici); returns the call id. */
function takeMark(request: UndiciRequest): number | undefined {
  const headers = request.headers;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() !== MARK) continue;
      const id = Number(headers[i + 1]);
      headers.splice(i, 2);
      return id;
    }
  } else if (typeof headers === 'string' && headers.toLowerCase().includes(MARK)) {
    const match = new RegExp(`${MARK}: *(-?\\d+)\\r\\n`, 'i').exec(headers);
    if (match) { request.headers = headers.replace(match[0], ''); return Number(match[1]); }
  }
  return undefined;
}

/**
 * Knows, per granted call, whether its request has started to leave the process, from the
 * channels Node's fetch (undici) publishes. A call whose request was never written cannot have
 * been billed: when the process exits (or fetch fails) first, it is settled as an error, cost 0,
 * instead of being charged its whole reservation. Non-LLM requests only meet a cheap test.
 */
export class SendTracker {
  private readonly calls = new Map<number, Tracked>();
  private readonly requests = new WeakMap<object, number>();
  private listening = false;
  /** An HTTP/2 connection was made in this process: undici does not report its writes. */
  private http2 = false;

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    subscribe('undici:request:create', (message) => {
      const request = (message as { request?: UndiciRequest }).request;
      if (!request) return;
      const id = takeMark(request);
      const call = id === undefined ? undefined : this.calls.get(id);
      if (id === undefined || !call) return;
      call.state = 'created';
      this.requests.set(request, id);
    });
    subscribe('undici:client:sendHeaders', (message) => {
      const request = (message as { request?: object }).request;
      const id = request ? this.requests.get(request) : undefined;
      const call = id === undefined ? undefined : this.calls.get(id);
      if (call) call.state = 'sent';
    });
    subscribe('undici:client:connected', (message) => {
      const socket = (message as { socket?: { alpnProtocol?: unknown } }).socket;
      if (socket?.alpnProtocol === 'h2') this.http2 = true;
    });
    // Synchronous: the socket write of a settle goes out before the process is gone.
    process.on('exit', () => {
      for (const [id, call] of this.calls) {
        this.calls.delete(id);
        if (this.unsent(call.state)) call.unsent();
      }
    });
  }

  /** Starts tracking a granted call; `unsent` settles it as not sent, if the process exits before it is. */
  track(callId: number, unsent: () => void): void {
    this.listen();
    this.calls.set(callId, { state: 'waiting', unsent });
  }

  /** The request to hand to fetch, marked so its undici request can be recognised. */
  mark<I extends RequestInfo | URL>(callId: number, input: I, init: RequestInit | undefined): [I, RequestInit] {
    const call = this.calls.get(callId);
    if (call) call.state = 'handed';
    const given = init?.headers;
    // Headers as a plain object (as the SDKs pass them) stay one: a Headers built per call costs more.
    if (given && !(given instanceof Headers) && !Array.isArray(given) && !Object.keys(given).some((name) => name.toLowerCase() === MARK)) {
      return [input, { ...init, headers: { ...given, [MARK]: String(callId) } }];
    }
    const headers = new Headers(given ?? (input instanceof Request ? input.headers : undefined));
    headers.set(MARK, String(callId));
    return [input, { ...init, headers }];
  }

  /** True when the call's request is known never to have been written (it cannot have reached the provider). */
  neverSent(callId: number): boolean {
    const state = this.calls.get(callId)?.state;
    return state !== undefined && this.unsent(state);
  }

  /**
   * Built by undici but not reported written counts as unsent while every connection is
   * HTTP/1.1, which reports each write. Once an HTTP/2 connection is up (its writes are not
   * reported), such a request may have gone: it is charged. No request is written before its
   * connection exists, and the connection is reported first.
   */
  private unsent(state: State): boolean {
    return state === 'waiting' || (state === 'created' && !this.http2);
  }

  /** The call is settled: stop tracking it. */
  release(callId: number): void {
    this.calls.delete(callId);
  }
}
