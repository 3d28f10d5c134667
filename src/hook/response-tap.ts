import type { SettleOutcome } from '../protocol/messages.js';
import { anthropicMessageUsage, MessagesStreamTracker } from './providers/anthropic.js';
import { ChatStreamTracker, openAiUsage, ResponsesStreamTracker } from './providers/openai.js';
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

function jsonTap(request: LlmRequest, body: ReadableStream<Uint8Array>, keep: boolean, done: Done): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  return wrapBody(body, (chunk) => { chunks.push(chunk); return chunk; }, (error) => {
    let found: UsageResult = { usage: null, model: null };
    let problem = error;
    const bytes = Buffer.concat(chunks);
    if (!error) {
      try { found = jsonUsage(request, bytes.toString('utf8')); } catch { problem = 'the provider answered malformed JSON'; }
    }
    done(finished(found, problem, keep ? bytes : null));
    return null;
  });
}

/**
 * Returns the response the caller gets: same status, headers and bytes (less any usage wflo
 * asked for itself). With `keep`, the bytes the caller received come back in the outcome.
 */
export function tapResponse(request: LlmRequest, response: Response, keep: boolean, done: Done): Response {
  if (response.status >= 400 || !response.body) {
    // Providers do not bill refused requests.
    done({ outcome: 'error', usage: null, model: null, error: `HTTP ${response.status}`, delivered: null });
    return response;
  }
  const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  const body = isStream ? streamTap(request, response.body, keep ? [] : null, done) : jsonTap(request, response.body, keep, done);
  const tapped = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(tapped, 'url', { value: response.url });
  return tapped;
}
