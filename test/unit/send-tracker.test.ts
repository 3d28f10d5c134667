import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SendTracker } from '../../src/hook/send-tracker.js';

/** What undici publishes when it builds a request: its headers as a flat name/value array. */
function create(callId: number): object {
  const request = { headers: ['content-type', 'application/json', 'x-wflo-send', String(callId)] };
  diagnostics.channel('undici:request:create').publish({ request });
  return request;
}

describe('SendTracker', () => {
  it('a request built but not written is unsent over HTTP/1.1; once an HTTP/2 connection is seen, it may have gone', () => {
    const tracker = new SendTracker();
    tracker.track(1, () => {});
    tracker.mark(1, 'http://x/v1/chat/completions', {});
    const request = create(1);
    expect(tracker.neverSent(1)).toBe(true);
    diagnostics.channel('undici:client:sendHeaders').publish({ request });
    expect(tracker.neverSent(1)).toBe(false);

    tracker.track(2, () => {});
    tracker.mark(2, 'http://x/v1/chat/completions', {});
    create(2);
    expect(tracker.neverSent(2)).toBe(true);
    diagnostics.channel('undici:client:connected').publish({ socket: { alpnProtocol: 'h2' } });
    expect(tracker.neverSent(2)).toBe(false);
    // Granted and not yet handed to fetch: unsent whatever the protocol.
    tracker.track(3, () => {});
    expect(tracker.neverSent(3)).toBe(true);
  });

  it('marks a fetch whatever its headers are (a plain object stays one); the mark never reaches the server, the rest do', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => { seen.push(req.headers); res.end('{}'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
      const tracker = new SendTracker();
      const given: HeadersInit[] = [{ authorization: 'Bearer a', 'x-one': '1' }, new Headers({ authorization: 'Bearer b' }), [['authorization', 'Bearer c']]];
      for (const [i, headers] of given.entries()) {
        tracker.track(10 + i, () => {});
        const [input, init] = tracker.mark(10 + i, url, { method: 'POST', headers, body: '{}' });
        if (i === 0) expect(init.headers).toEqual({ authorization: 'Bearer a', 'x-one': '1', 'x-wflo-send': '10' });
        await (await fetch(input, init)).text();
        expect(tracker.neverSent(10 + i)).toBe(false);
      }
      expect(seen.map((h) => [h.authorization, h['x-wflo-send']])).toEqual([['Bearer a', undefined], ['Bearer b', undefined], ['Bearer c', undefined]]);
      expect(seen[0]!['x-one']).toBe('1');
    } finally {
      server.close();
    }
  });
});
