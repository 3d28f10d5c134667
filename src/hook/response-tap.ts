import type { SettleOutcome } from '../protocol/messages.js';
import { anthropicMessageUsage, MessagesStreamTracker } from './providers/anthropic.js';
import { ChatStreamTracker, openAiUsage, ResponsesStreamTracker, stripNullUsage } from './providers/openai.js';
import type { LlmRequest, StreamTracker, UsageResult } from './providers/types.js';
import { serveRead, serveStream } from './served-response.js';
import { formatSseEvent, parseSseEvent, SseSplitter } from './sse.js';

export interface CallOutcome extends UsageResult {
  outcome: SettleOutcome;
  error: string | null;
  /** The bytes the caller received, when asked to keep them (for the journal). */
  delivered: Buffer | null;
}

type Done = (outcome: CallOutcome) => void;

/** How a caller's abort reaches a streamed body (see DeferredAbort). */
export interface StreamAbortion {
  defer(handler: (reason: unknown) => void): void;
  abort(reason: unknown): void;
}

function trackerFor(request: LlmRequest): StreamTracker {
  if (request.endpoint === 'messages') return new MessagesStreamTracker();
  if (request.endpoint === 'responses') return new ResponsesStreamTracker();
  return new ChatStreamTracker(request.usageInjected);
}

function jsonUsage(request: LlmRequest, body: unknown): UsageResult {
  return request.endpoint === 'messages' ? anthropicMessageUsage(body) : openAiUsage(request.endpoint, body);
}

function finished(found: UsageResult, error: string | null, delivered: Buffer | null): CallOutcome {
  // Field by field (no spread): once per call, on the path between the response and the caller.
  const ok = Boolean(found.usage) && !error;
  return { usage: found.usage, model: found.model, context: found.context, toolCalls: found.toolCalls, outcome: ok ? 'ok' : 'incomplete',
    error: ok ? error : error ?? 'no usage in the response', delivered: ok ? delivered : null };
}

/** Handles one chunk from the provider; `delivered` is false for chunks read after the caller cancelled. */
type Observe = (chunk: Uint8Array, delivered: boolean) => Uint8Array | null;

/**
 * Wraps a response body so usage is read as the caller reads it: demand-driven (backpressure
 * and cancellation pass straight through), nothing buffered beyond what the caller pulls.
 * Calls `end` exactly once, whether the body ends, fails or is cancelled. A caller that
 * cancels once it has what it wants (openai 7 at `[DONE]`, a `break`) has been billed in full:
 * when the usage is not read yet, what is arriving is read for it, briefly (see drainForUsage).
 */
function wrapBody(body: ReadableStream<Uint8Array>, observe: Observe, more: () => Uint8Array | null, usageKnown: () => boolean,
  end: (error: string | null) => Uint8Array | null, abortion: StreamAbortion | undefined): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  let cancelled = false;
  const finish = (error: string | null): Uint8Array | null => {
    if (ended) return null;
    ended = true;
    return end(error);
  };
  /** The caller stopped: settle with the usage if known, else read on briefly for it; then `stop` the transfer. */
  const stopReading = (stop: () => Promise<void>): void => {
    cancelled = true;
    if (ended) { void stop().catch(() => {}); return; }
    if (usageKnown()) { finish(null); void stop().catch(() => {}); return; }
    // The caller is not kept waiting: the rest is read in the background, then stopped.
    void drainForUsage(reader, observe, usageKnown).then((complete) => {
      finish(complete || usageKnown() ? null : 'the caller stopped reading the response');
      return stop();
    }).catch(() => { finish('the caller stopped reading the response'); });
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // The caller aborted mid-stream: it sees the abort at once; the tap reads on for the usage.
      abortion?.defer((reason) => {
        try { controller.error(reason); } catch { /* already closed */ }
        stopReading(async () => { abortion.abort(reason); });
      });
    },
    async pull(controller) {
      try {
        for (;;) {
          // What an earlier read brought that the caller has not had yet goes first.
          const queued = more();
          if (queued) { controller.enqueue(queued); return; }
          const { done, value } = await reader.read();
          // A read that was under way when the caller cancelled: its chunk still counts for usage.
          if (cancelled) { if (!done) observe(value, false); return; }
          if (done) {
            const tail = finish(null);
            if (tail) controller.enqueue(tail);
            controller.close();
            return;
          }
          const out = observe(value, true);
          if (out && out.byteLength > 0) { controller.enqueue(out); return; }
        }
      } catch (err) {
        // Usage already read (the transfer broke after it) is exact: the provider billed that.
        finish(usageKnown() ? null : err instanceof Error ? err.message : String(err));
        controller.error(err);
      }
    },
    async cancel(reason) {
      stopReading(() => reader.cancel(reason));
    },
  }, { highWaterMark: 0 });
}

/** How long a cancelled stream is read on for its usage; the provider sends it right after the last content. */
const DRAIN_MS = 250;

/**
 * Reads a cancelled stream on until its usage is known, it ends, or DRAIN_MS pass. Resolves
 * true when the stream ended. The timer is unref'd: it never keeps the script alive.
 */
async function drainForUsage(reader: ReadableStreamDefaultReader<Uint8Array>, observe: Observe, usageKnown: () => boolean): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), DRAIN_MS); timer.unref(); });
  try {
    while (!usageKnown()) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === 'timeout') return false;
      if (next.done) return true;
      observe(next.value, false);
    }
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Taps an SSE body. A read that brings many events (a fast stream arrives whole) reaches the
 * caller before wflo has looked at all of them: when wflo rewrites the stream, its first event
 * goes at once and the rest on the caller's next pull; otherwise the bytes go as they came and
 * their events are tracked on the next pull.
 */
function streamTap(request: LlmRequest, body: ReadableStream<Uint8Array>, keep: Uint8Array[] | null, done: Done, abortion: StreamAbortion | undefined): ReadableStream<Uint8Array> {
  const tracker = trackerFor(request);
  const splitter = new SseSplitter();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const rewrite = request.usageInjected;
  /** One event: tracked, and what of it the caller gets when wflo rewrites the stream ('' when hidden or not rewriting). */
  const handle = (block: string): string => {
    // Most events carry no usage: pass them on untouched, unparsed.
    if (!tracker.wants(block)) return rewrite ? `${block}\n\n` : '';
    // A chunk with tool call deltas is read whole (for the tool calls); others only lose their null usage.
    if (rewrite && block.includes('"usage":null') && !block.includes('"tool_calls"')) return `${stripNullUsage(block)}\n\n`;
    const event = parseSseEvent(block);
    const data = tracker.onEvent(event.data, event.event);
    if (!rewrite || data === null) return '';
    return data === event.data ? `${block}\n\n` : formatSseEvent({ ...event, data });
  };
  /** Events read but not tracked yet. */
  let queued: string[] = [];
  let at = 0;
  const queue = (chunk: Uint8Array): void => {
    const blocks = splitter.push(decoder.decode(chunk, { stream: true }));
    if (at === queued.length) { queued = blocks; at = 0; } else queued.push(...blocks);
  };
  /**
   * Tracks queued events and returns what of them goes to the caller: up to the first with
   * something for it (`first`), all of it (`all`), or nothing (`none`: they are not delivered).
   */
  const track = (deliver: 'first' | 'all' | 'none'): string => {
    let out = '';
    while (at < queued.length) {
      const piece = handle(queued[at++]!);
      if (deliver !== 'none') out += piece;
      if (deliver === 'first' && out !== '') break;
    }
    return out;
  };
  const delivered = (text: string): Uint8Array | null => {
    if (text === '') return null;
    const bytes = encoder.encode(text);
    keep?.push(bytes);
    return bytes;
  };
  return wrapBody(body, (chunk, toCaller) => {
    queue(chunk);
    if (!toCaller) { track('none'); return null; }
    if (rewrite) return delivered(track('first'));
    keep?.push(chunk);
    return chunk;
  }, () => (rewrite ? delivered(track('all')) : (track('none'), null)),
  // Asked only when nothing more goes to the caller (it cancelled, or the transfer broke): what is queued is tracked, not delivered.
  () => { track('none'); return tracker.result().usage !== null; },
  (error) => {
    track('none');
    const text = splitter.rest().map(handle).join('');
    const tail = rewrite && text ? encoder.encode(text) : null;
    if (tail) keep?.push(tail);
    done(finished(tracker.result(), error, keep ? Buffer.concat(keep) : null));
    return tail;
  }, abortion);
}

/** The outcome of a plain (JSON) body, read whole, and the body as parsed (undefined when it is not JSON). */
function jsonOutcome(request: LlmRequest, bytes: Buffer, keep: boolean): { outcome: CallOutcome; parsed: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { outcome: finished({ usage: null, model: null }, 'the provider answered malformed JSON', null), parsed: undefined };
  }
  try {
    return { outcome: finished(jsonUsage(request, parsed), null, keep ? bytes : null), parsed };
  } catch {
    return { outcome: finished({ usage: null, model: null }, 'the provider answered malformed JSON', null), parsed };
  }
}

function failingBody(error: unknown): ReadableStream<Uint8Array> {
  return new ReadableStream({ start(controller) { controller.error(error); } });
}

/**
 * Returns the response the caller gets: same status, headers and bytes (less any usage wflo
 * asked for itself). With `keep`, the bytes the caller received come back in the outcome.
 * A plain body is read whole at once (the SDK would read it whole anyway), so its usage is
 * settled before the caller parses it; a stream is tapped as the caller reads it.
 */
export async function tapResponse(request: LlmRequest, response: Response, keep: boolean, done: Done, abortion?: StreamAbortion): Promise<Response> {
  if (response.status >= 400 || !response.body) {
    // Providers do not bill refused requests.
    done({ outcome: 'error', usage: null, model: null, error: `HTTP ${response.status}`, delivered: null });
    return response;
  }
  // The provider's Response is handed on, its body read through wflo (see served-response.ts).
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return serveStream(response, streamTap(request, response.body, keep ? [] : null, done, abortion));
  }
  try {
    const bytes = Buffer.from(await response.arrayBuffer());
    const { outcome, parsed } = jsonOutcome(request, bytes, keep);
    done(outcome);
    return serveRead(response, bytes, parsed);
  } catch (err) {
    // The body broke: the caller meets the same error when it reads it, as it would have.
    done({ outcome: 'incomplete', usage: null, model: null, error: err instanceof Error ? err.message : String(err), delivered: null });
    return serveStream(response, failingBody(err));
  }
}
