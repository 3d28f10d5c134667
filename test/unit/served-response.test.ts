import { describe, expect, it } from 'vitest';
import { serveRead, serveStream } from '../../src/hook/served-response.js';

// The provider's own Response, handed on with its body read through wflo: every way of reading
// it must behave as a fetch Response does (once, in full, same bytes), status and headers kept.

const BODY = '{"id":"chatcmpl-1","usage":{"prompt_tokens":15}}';

/** A real fetch Response whose body wflo has read whole, served from the bytes. */
async function read(parsed?: unknown): Promise<Response> {
  const response = new Response(BODY, { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' } });
  const bytes = Buffer.from(await response.arrayBuffer());
  return serveRead(response, bytes, parsed);
}

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({ start(c) { for (const chunk of chunks) c.enqueue(encoder.encode(chunk)); c.close(); } });
}

describe('serveRead', () => {
  it('keeps status, headers and class; json() hands over the object wflo parsed, once', async () => {
    const parsed = JSON.parse(BODY) as unknown;
    const response = await read(parsed);
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok, response.headers.get('x-request-id')]).toEqual([201, 'Created', true, 'req_1']);
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toBe(parsed);
    expect(response.bodyUsed).toBe(true);
    await expect(response.json()).rejects.toThrow(TypeError);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('text, arrayBuffer, bytes and blob give the same bytes; the body stream too', async () => {
    expect(await (await read()).text()).toBe(BODY);
    expect(Buffer.from(await (await read()).arrayBuffer()).toString()).toBe(BODY);
    expect(Buffer.from(await (await read()).bytes()).toString()).toBe(BODY);
    const blob = await (await read()).blob();
    expect([blob.type, await blob.text()]).toEqual(['application/json', BODY]);
    const streamed = await read();
    expect(await new Response(streamed.body).text()).toBe(BODY);
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.text()).rejects.toThrow(TypeError);
    // Without a parsed object, json() parses the bytes itself.
    expect(await (await read()).json()).toEqual(JSON.parse(BODY));
  });

  it('clone() gives an independent response with the same body; none after the body was read', async () => {
    const response = await read(JSON.parse(BODY));
    const twin = response.clone();
    expect([twin.status, twin.headers.get('x-request-id')]).toEqual([201, 'req_1']);
    expect(await twin.text()).toBe(BODY);
    expect(await response.text()).toBe(BODY);
    expect(() => response.clone()).toThrow(TypeError);
  });
});

describe('serveStream', () => {
  it('the body is the tapped stream, and every reader reads through it', async () => {
    const response = new Response(streamOf(['raw']), { headers: { 'content-type': 'text/event-stream' } });
    const served = serveStream(response, streamOf(['data: a\n\n', 'data: b\n\n']));
    expect(served).toBe(response);
    expect(await served.text()).toBe('data: a\n\ndata: b\n\n');
    expect(served.bodyUsed).toBe(true);
    await expect(served.text()).rejects.toThrow(TypeError);
  });

  it('clone() tees the tapped stream: both read it whole', async () => {
    const served = serveStream(new Response(streamOf(['raw'])), streamOf(['x', 'y']));
    const twin = served.clone();
    expect(await Promise.all([served.text(), twin.text()])).toEqual(['xy', 'xy']);
  });
});
