import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../src/simulator/server.js';
import { openApiDocument } from '../src/ui-server/openapi.js';
import { ROUTES } from '../src/ui-server/routes.js';
import { makeUiStore, missingDb, startUi, type UiProcess, type UiStore } from './helpers/ui.js';
import { FIXTURES, providerEnv, readDb, wflo } from './helpers/wflo.js';

let provider: FakeProvider;
let store: UiStore;
let ui: UiProcess;

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: unknown }

/** One HTTP request over loopback, with any method and Host header. */
function request(pathname: string, o: { method?: string; host?: string } = {}): Promise<Answer> {
  const url = new URL(pathname, ui.url);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.host ? { host: o.host } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => {
        let body: unknown = text;
        try { body = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function get<T>(pathname: string): Promise<T> {
  const answer = await request(pathname);
  expect(answer.status, `${pathname}: ${JSON.stringify(answer.body)}`).toBe(200);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  return answer.body as T;
}

async function cliJson(args: string[]): Promise<unknown> {
  const result = await wflo([...args, '--db', store.db, '--json'], { cwd: store.dir });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

interface CallJson { seq: number; status: string; costUsd: number; agent: string | null; model: string; superseded: boolean; outputCap: number | null }
interface Page { total: number; offset: number; limit: number; calls: CallJson[] }
interface Marker { kind: string; seq: number | null; checkpointId: string | null; label: string }
interface Timeline { points: Array<[number, number]>; markers: Marker[]; markerCounts: Record<string, number>; spentUsd: number; budgetUsd: number | null; calls: number; startedAt: number }

beforeAll(async () => {
  provider = await startFakeProvider({ usage: { inputTokens: 100, outputTokens: 10 } });
  store = await makeUiStore(provider);
  ui = await startUi(['--db', store.db]);
}, 120_000);
afterAll(async () => {
  await ui?.stop();
  await provider?.close();
});

describe('wflo ui: the API gives the shapes --json prints', () => {
  it('GET /api/runs is `wflo status --json`, newest first', async () => {
    const runs = await get<Array<{ runId: string }>>('/api/runs');
    expect(runs.map((r) => r.runId)).toEqual([store.circuit, store.fitted, store.agents, store.loop, store.steps]);
    expect(runs).toEqual(await cliJson(['status']));
  });

  it('GET /api/runs/:id is `wflo status <id> --json`, with exact spend', async () => {
    for (const id of [store.steps, store.loop, store.circuit, store.agents, store.fitted]) {
      expect(await get(`/api/runs/${id}`)).toEqual(await cliJson(['status', id]));
    }
    // 8 billed gpt-4o-mini calls at 100 × 150 + 10 × 600 = 21,000 nano each; the replay was free.
    expect(await get(`/api/runs/${store.steps}`)).toMatchObject({ status: 'completed', spentUsd: 0.000168, llmCalls: 8, replayedCalls: 1, attempts: 3,
      byModel: [{ provider: 'openai', model: 'gpt-4o-mini', calls: 8, inputTokens: 800, outputTokens: 80, costUsd: 0.000168 }] });
    expect(await get(`/api/runs/${store.loop}`)).toMatchObject({ llmCalls: 6, refusedCalls: 1, spentUsd: 0.000126,
      byAgent: [{ agent: 'researcher', calls: 6, costUsd: 0.000126, budgetUsd: null }],
      tools: [{ name: 'search', asked: 6, runs: 6, succeeded: 6, failed: 0, successRate: 1 }] });
    // gpt-4o: 100 × 2,500 + 10 × 10,000 = 350,000 nano; the script then exits 1.
    expect(await get(`/api/runs/${store.fitted}`)).toMatchObject({ status: 'failed', exitCode: 1, spentUsd: 0.00035, cappedCalls: 1, budgetUsd: 0.01 });
  });

  it('GET /api/runs/:id/checkpoints is `wflo checkpoints <id> --json`', async () => {
    const list = await get<Array<{ seq: number; name: string; status: string }>>(`/api/runs/${store.steps}/checkpoints`);
    expect(list).toEqual(await cliJson(['checkpoints', store.steps]));
    expect(list.map((c) => [c.seq, c.name, c.status])).toEqual([
      [1, 'step 1', 'active'], [2, 'step 2', 'active'], [3, 'step 3', 'superseded'], [4, 'step 4', 'superseded'], [5, 'step 5', 'superseded'],
      [6, 'step 3', 'active'], [7, 'step 4', 'active'], [8, 'step 5', 'head'],
    ]);
    expect(await get(`/api/runs/${store.loop}/checkpoints`)).toEqual([]);
  });

  it('GET /api/checkpoints/:id has the state `wflo checkpoints show` prints and the commands to copy', async () => {
    const list = await get<Array<{ id: string; seq: number }>>(`/api/runs/${store.steps}/checkpoints`);
    const step2 = list.find((c) => c.seq === 2)!;
    const detail = await get<Record<string, unknown>>(`/api/checkpoints/${step2.id}`);
    const shown = await wflo(['checkpoints', 'show', step2.id, '--db', store.db], { cwd: store.dir });
    expect(detail.state).toEqual(JSON.parse(shown.stdout));
    expect(detail).toMatchObject({ id: step2.id, runId: store.steps, seq: 2, name: 'step 2', status: 'active', spentUsd: 0.000042, state: { step: 2 },
      commands: { rollback: `wflo rollback ${step2.id} --db ${store.db}`, resume: `wflo resume ${store.steps} --db ${store.db}` } });
  });

  it('GET /api/circuits and /api/dlq are `wflo circuits --json` and `wflo dlq --json`', async () => {
    const circuits = await get<unknown[]>('/api/circuits');
    expect(circuits).toEqual(await cliJson(['circuits']));
    expect(circuits).toMatchObject([{ name: 'openai:gpt-4o-mini', kind: 'provider', state: 'open', lastError: 'HTTP 500', runId: store.circuit }]);
    expect(await get('/api/dlq')).toEqual(await cliJson(['dlq']));
    const letters = await get<Array<{ runId: string; attempts: number }>>(`/api/dlq?run=${store.circuit}`);
    expect(letters.map((d) => [d.runId, d.attempts])).toEqual([[store.circuit, 2], [store.circuit, 3]]);
    expect(await get(`/api/dlq?run=${store.steps}`)).toEqual([]);
  });
});

describe('wflo ui: runs filters and paging', () => {
  it('filters by status, script and id, and pages with X-Total-Count', async () => {
    const ids = async (q: string): Promise<string[]> => (await get<Array<{ runId: string }>>(`/api/runs?${q}`)).map((r) => r.runId);
    expect(await ids('status=failed')).toEqual([store.fitted]);
    expect(await ids('status=completed')).toEqual([store.circuit, store.agents, store.loop, store.steps]);
    expect(await ids('status=running')).toEqual([]);
    expect(await ids('script=tool-loop')).toEqual([store.loop]);
    expect(await ids(`q=${store.steps.slice(4, 10)}`)).toEqual([store.steps]);
    expect(await ids('script=%25')).toEqual([]);
    const page = await request('/api/runs?limit=2&offset=1');
    expect((page.body as Array<{ runId: string }>).map((r) => r.runId)).toEqual([store.fitted, store.agents]);
    expect(page.headers['x-total-count']).toBe('5');
  });
});

describe('wflo ui: calls, paged on the server', () => {
  it('pages, sorts and filters a run\'s calls, with each call\'s outcome', async () => {
    const all = await get<Page>(`/api/runs/${store.steps}/calls`);
    expect(all).toMatchObject({ total: 9, offset: 0, limit: 50 });
    expect(all.calls.map((c) => [c.seq, c.status, c.costUsd])).toEqual([
      [1, 'ok', 0.000021], [2, 'ok', 0.000021], [3, 'ok', 0.000021], [4, 'ok', 0.000021], [5, 'replayed', 0], [6, 'ok', 0.000021],
      [7, 'ok', 0.000021], [8, 'ok', 0.000021], [9, 'ok', 0.000021],
    ]);
    // Rolling back to step 2 superseded what was made after it: step 3's and 4's calls, the replay of 4, and step 5's.
    expect(all.calls.filter((c) => c.superseded).map((c) => c.seq)).toEqual([3, 4, 5, 6]);
    // The calls as the store has them, read with plain SQL.
    expect(readDb(store.db).calls.filter((c) => (c as unknown as { run_id: string }).run_id === store.steps).map((c) => c.seq)).toEqual(all.calls.map((c) => c.seq));
    const second = await get<Page>(`/api/runs/${store.steps}/calls?offset=4&limit=3`);
    expect(second.calls.map((c) => c.seq)).toEqual([5, 6, 7]);
    expect((await get<Page>(`/api/runs/${store.steps}/calls?sort=seq&order=desc&limit=2`)).calls.map((c) => c.seq)).toEqual([9, 8]);
    expect((await get<Page>(`/api/runs/${store.steps}/calls?sort=cost&order=asc&limit=1`)).calls.map((c) => c.seq)).toEqual([5]);
    const replayed = await get<Page>(`/api/runs/${store.steps}/calls?status=replayed`);
    expect([replayed.total, replayed.calls.map((c) => c.seq)]).toEqual([1, [5]]);

    const loop = await get<Page>(`/api/runs/${store.loop}/calls`);
    expect(loop.calls.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'refused']);
    expect(loop.calls.every((c) => c.agent === 'researcher')).toBe(true);
    expect((await get<Page>(`/api/runs/${store.fitted}/calls`)).calls).toMatchObject([{ seq: 1, model: 'gpt-4o', status: 'capped', costUsd: 0.00035 }]);
    const circuit = await get<Page>(`/api/runs/${store.circuit}/calls`);
    // Call 1: three attempts (500s) given up; call 2: two attempts open the circuit; everything after is refused at once.
    expect(circuit.calls.map((c) => c.status)).toEqual([...Array(5).fill('error'), ...Array(7).fill('refused')]);
  });
});

describe('wflo ui: the spend timeline', () => {
  it('spend over time with checkpoints, resumes and the stop marked', async () => {
    const t = await get<Timeline>(`/api/runs/${store.steps}/timeline`);
    expect(t).toMatchObject({ spentUsd: 0.000168, budgetUsd: 1, calls: 9 });
    expect(t.points[0]).toEqual([t.startedAt, 0]);
    expect(t.points.at(-1)?.[1]).toBeCloseTo(0.000168, 12);
    for (let i = 1; i < t.points.length; i++) {
      expect(t.points[i]![0]).toBeGreaterThanOrEqual(t.points[i - 1]![0]);
      expect(t.points[i]![1]).toBeGreaterThanOrEqual(t.points[i - 1]![1]);
    }
    const checkpoints = await get<Array<{ id: string }>>(`/api/runs/${store.steps}/checkpoints`);
    expect(t.markers.filter((m) => m.kind === 'checkpoint').map((m) => m.checkpointId).sort()).toEqual(checkpoints.map((c) => c.id).sort());
    expect(t.markers.filter((m) => m.kind === 'resume').map((m) => m.label)).toEqual(['attempt 2 (resumed)', 'attempt 3 (resumed)']);
    expect(t.markerCounts).toEqual({ checkpoint: 8, refusal: 0, cap: 0, loop: 0, circuit: 0, resume: 2, stop: 1 });
    expect(t.markers.at(-1)).toMatchObject({ kind: 'stop', label: 'completed, exit 0' });
    expect((await get<Timeline>(`/api/runs/${store.steps}/timeline?points=3`)).points.length).toBeLessThanOrEqual(3);
  });

  it('marks loops, circuit refusals, budget refusals and caps, told apart', async () => {
    const loop = await get<Timeline>(`/api/runs/${store.loop}/timeline`);
    expect(loop.markers.filter((m) => m.kind === 'loop')).toMatchObject([{ seq: 7 }]);
    expect(loop.markers.find((m) => m.kind === 'loop')?.label).toContain('loop detected: agent "researcher" asked for the same tool call');
    const circuit = await get<Timeline>(`/api/runs/${store.circuit}/timeline`);
    // 7 calls refused by the open circuit, and the breaker itself, left open by this run.
    expect(circuit.markerCounts).toMatchObject({ circuit: 8, refusal: 0, loop: 0 });
    expect(circuit.markers.filter((m) => m.kind === 'circuit' && m.seq === null).map((m) => m.label)).toEqual(['circuit openai:gpt-4o-mini open (last: HTTP 500)']);
    const agents = await get<Timeline>(`/api/runs/${store.agents}/timeline`);
    const refused = (await get<{ refusedCalls: number }>(`/api/runs/${store.agents}`)).refusedCalls;
    expect(refused).toBeGreaterThan(0);
    expect(agents.markerCounts).toMatchObject({ refusal: refused, loop: 0, circuit: 0 });
    expect(agents.markers.find((m) => m.kind === 'refusal')?.label).toContain('agent "researcher" budget exceeded');
    const fitted = await get<Timeline>(`/api/runs/${store.fitted}/timeline`);
    expect(fitted.markers.map((m) => m.kind)).toEqual(['cap', 'stop']);
    expect(fitted.markers.at(-1)?.label).toBe('failed, exit 1');
  });
});

describe('wflo ui: errors, methods and the OpenAPI document', () => {
  it('unknown ids and routes are 404 with a JSON error', async () => {
    expect(await request('/api/runs/run-nope')).toMatchObject({ status: 404, body: { error: 'no run with id "run-nope"' } });
    for (const p of ['/api/runs/run-nope/calls', '/api/runs/run-nope/timeline', '/api/runs/run-nope/checkpoints', '/api/dlq?run=run-nope']) {
      expect(await request(p)).toMatchObject({ status: 404, body: { error: 'no run with id "run-nope"' } });
    }
    expect(await request('/api/checkpoints/cp-nope')).toMatchObject({ status: 404, body: { error: 'no checkpoint with id "cp-nope"' } });
    expect(await request('/api/nothing')).toMatchObject({ status: 404, body: { error: 'no API route /api/nothing (see /api/openapi.json)' } });
  });

  it('bad query values are 400 with a JSON error', async () => {
    const calls = `/api/runs/${store.steps}/calls`;
    expect(await request(`${calls}?limit=abc`)).toMatchObject({ status: 400, body: { error: 'limit must be a whole number from 1 to 1000, got "abc"' } });
    expect(await request(`${calls}?offset=-1`)).toMatchObject({ status: 400, body: { error: expect.stringContaining('offset must be a whole number') as unknown } });
    for (const q of ['limit=0', 'limit=1001', 'limit=1.5', 'sort=price', 'order=up', 'status=great']) expect((await request(`${calls}?${q}`)).status, q).toBe(400);
    expect((await request('/api/runs?status=happy')).status).toBe(400);
    expect((await request(`/api/runs/${store.steps}/timeline?points=1`)).status).toBe(400);
    expect((await request('/api/dlq?limit=x')).status).toBe(400);
  });

  it('nothing writes: every method but GET and HEAD is 405', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const p of ['/api/runs', `/api/checkpoints/${store.steps}`, '/']) {
        const answer = await request(p, { method });
        expect(answer.status, `${method} ${p}`).toBe(405);
        expect(answer.headers.allow).toBe('GET, HEAD');
        expect(answer.body).toEqual({ error: `${method} is not allowed: the wflo ui API is read-only` });
      }
    }
    expect((await request('/api/runs', { method: 'HEAD' })).status).toBe(200);
  });

  it('a request naming another host (DNS rebinding) is refused', async () => {
    expect((await request('/api/runs', { host: 'evil.example:80' })).status).toBe(421);
    expect((await request('/api/runs', { host: `localhost:${new URL(ui.url).port}` })).status).toBe(200);
  });

  it('serves an OpenAPI 3.1 document with every route the router serves, and no other', async () => {
    const doc = await get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(ROUTES.map((r) => r.path).sort());
    for (const methods of Object.values(doc.paths)) expect(Object.keys(methods)).toEqual(['get']);
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument('0.1.0'))));
    // Every $ref points at a schema the document has.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    const schemas = Object.keys((doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas);
    for (const ref of refs) expect(schemas).toContain(ref.split('/').pop());
  });

  it('serves the dashboard for page paths, and its assets', async () => {
    for (const p of ['/', `/runs/${store.steps}`, `/runs/${store.steps}/checkpoints`, '/circuits']) {
      const page = await request(p);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(String(page.body)).toContain('<div id="root"></div>');
    }
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(String((await request('/')).body))?.[1] ?? '';
    const asset = await request(script);
    expect([asset.status, asset.headers['content-type'], asset.headers['cache-control']]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect((await request('/assets/../../package.json')).headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('wflo ui: live updates', () => {
  it('/api/events sends change when a run writes to the store', async () => {
    const events: string[] = [];
    const stream = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(new URL('/api/events', ui.url), resolve).on('error', reject);
    });
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const changed = new Promise<void>((resolve) => {
      stream.on('data', (c: Buffer) => { events.push(c.toString()); if (c.toString().includes('event: change')) resolve(); });
    });
    const before = (await get<unknown[]>('/api/runs')).length;
    const result = await wflo(['run', path.join(FIXTURES, 'call.mjs'), '--db', store.db, '--', 'anthropic'], { cwd: store.dir, env: providerEnv(provider) });
    expect(result.exitCode).toBe(0);
    await changed;
    stream.destroy();
    expect(events[0]).toContain('event: hello');
    expect(await get<unknown[]>('/api/runs')).toHaveLength(before + 1);
  });
});

describe('wflo ui: the command', () => {
  it('a missing store is one line and exit 2, as for other commands', async () => {
    const db = missingDb();
    const result = await wflo(['ui', '--port', '0', '--db', db]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`wflo: no wflo database at ${db} (run \`wflo run\` first, or pass --db)`);
  });

  it('a port in use is one line and exit 2', async () => {
    const port = new URL(ui.url).port;
    const result = await wflo(['ui', '--port', port, '--db', store.db]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`wflo: port ${port} on 127.0.0.1 is in use (pass --port <n>, or --port 0 for any free port)`);
    expect((await wflo(['ui', '--port', 'http', '--db', store.db])).exitCode).toBe(2);
  });

  it('binds 127.0.0.1 by default; another --host prints a warning; SIGINT and SIGTERM stop it with exit 0', async () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(ui.stderr()).toBe('');
    const other = await startUi(['--db', store.db, '--host', '127.0.0.2']);
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/$/);
    expect(other.stderr()).toContain('wflo ui: warning: listening on 127.0.0.2, not only this machine');
    expect(await other.stop('SIGINT')).toBe(0);
    const third = await startUi(['--db', store.db]);
    // An open event stream does not hold the stop.
    http.get(new URL('/api/events', third.url)).on('error', () => { /* closed by the stop */ });
    await new Promise((r) => setTimeout(r, 200));
    expect(await third.stop('SIGTERM')).toBe(0);
  });
});
