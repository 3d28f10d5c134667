import type { SettleOutcome } from '../protocol/messages.js';
import { anthropicMessageUsage, MessagesStreamTracker } from './providers/anthropic.js';
import { ChatStreamTracker, openAiUsage, ResponsesStreamTracker, stripNullUsage } from './providers/openai.js';
import type { LlmRequest, StreamTracker, UsageResult } from './providers/types.js';
import { formatSseEvent, parseSseEvent, SseSplitter } from './sse.js';

export interface CallOutcome extends UsageResult {
  outcome: SettleOutcome;
  error: string | null;
  /** The bytes the caller received, when asked to keep them (for the journal). */
  delivered: Buffer | null;
}

type Done = (outcome: CallOutcome) => void;

function trackerFor(request: LlmRequest): StreamTracker {
  if (request.endpoint === 'messages') return new MessagesStreamTracker();
  if (request.endpoint === 'responses') return new ResponsesStreamTracker();
  return new ChatStreamTracker(request.usageInjected);
}

function jsonUsage(request: LlmRequest, text: string): UsageResult {
  const body: unknown = JSON.parse(text);
  return request.endpoint === 'messages' ? anthropicMessageUsage(body) : openAiUsage(request.endpoint, body);
}

function finished(found: UsageResult, error: string | null, delivered: Buffer | null): CallOutcome {
  return found.usage && !error ? { ...found, outcome: 'ok', error, delivered }
    : { ...found, outcome: 'incomplete', error: error ?? 'no usage in the response', delivered: null };
}

/**
 * Wraps a response body so usage is read as the caller reads it: demand-driven (backpressure
 * and cancellation pass straight through), nothing buffered beyond what the caller pulls.
 * Calls `done` exactly once, whether the body ends, fails or is cancelled.
 */
function wrapBody(body: ReadableStream<Uint8Array>, observe: (chunk: Uint8Array) => Uint8Array | null,
  end: (error: string | null) => Uint8Array | null): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const finish = (error: string | null): Uint8Array | null => {
    if (ended) return null;
    ended = true;
    return end(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            const tail = finish(null);
            if (tail) controller.enqueue(tail);
            controller.close();
            return;
          }
          const out = observe(value);
          if (out && out.byteLength > 0) { controller.enqueue(out); return; }
        }
      } catch (err) {
        finish(err instanceof Error ? err.message : String(err));
        controller.error(err);
      }
    },
    async cancel(reason) {
      finish('the caller stopped reading the response');
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

function streamTap(request: LlmRequest, body: ReadableStream<Uint8Array>, keep: Uint8Array[] | null, done: Done): ReadableStream<Uint8Array> {
  const tracker = trackerFor(request);
  const splitter = new SseSplitter();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const rewrite = request.usageInjected;
  const handle = (blocks: string[]): string => {
    let out = '';
    for (const block of blocks) {
      // Most events carry no usage: pass them on untouched, unparsed.
      if (!tracker.wants(block)) { if (rewrite) out += `${block}\n\n`; continue; }
      if (rewrite && block.includes('"usage":null')) { out += `${stripNullUsage(block)}\n\n`; continue; }
      const event = parseSseEvent(block);
      const data = tracker.onEvent(event.data, event.event);
      if (rewrite && data !== null) out += data === event.data ? `${block}\n\n` : formatSseEvent({ ...event, data });
    }
    return out;
  };
  return wrapBody(body, (chunk) => {
    const text = handle(splitter.push(decoder.decode(chunk, { stream: true })));
    const out = rewrite ? encoder.encode(text) : chunk;
    keep?.push(out);
    return out;
  }, (error) => {
    const text = handle(splitter.rest());
    const tail = rewrite && text ? encoder.encode(text) : null;
    if (tail) keep?.push(tail);
    done(finished(tracker.result(), error, keep ? Buffer.concat(keep) : null));
    return tail;
  });
}

/** The outcome of a plain (JSON) body, read whole. */
function jsonOutcome(request: LlmRequest, bytes: Buffer, keep: boolean): CallOutcome {
  try {
    return finished(jsonUsage(request, bytes.toString('utf8')), null, keep ? bytes : null);
  } catch {
    return finished({ usage: null, model: null }, 'the provider answered malformed JSON', null);
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
export async function tapResponse(request: LlmRequest, response: Response, keep: boolean, done: Done): Promise<Response> {
  if (response.status >= 400 || !response.body) {
    // Providers do not bill refused requests.
    done({ outcome: 'error', usage: null, model: null, error: `HTTP ${response.status}`, delivered: null });
    return response;
  }
  const init = { status: response.status, statusText: response.statusText, headers: response.headers };
  let tapped: Response;
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    tapped = new Response(streamTap(request, response.body, keep ? [] : null, done), init);
  } else {
    try {
      const bytes = Buffer.from(await response.arrayBuffer());
      done(jsonOutcome(request, bytes, keep));
      tapped = new Response(bytes, init);
    } catch (err) {
      // The body broke: the caller meets the same error when it reads it, as it would have.
      done({ outcome: 'incomplete', usage: null, model: null, error: err instanceof Error ? err.message : String(err), delivered: null });
      tapped = new Response(failingBody(err), init);
    }
  }
  Object.defineProperty(tapped, 'url', { value: response.url });
  return tapped;
}
