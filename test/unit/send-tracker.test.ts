import diagnostics from 'node:diagnostics_channel';
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
});
