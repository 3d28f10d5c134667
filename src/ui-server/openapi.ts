/**
 * The OpenAPI 3.1 document of `wflo ui`'s API, served at /api/openapi.json. Written by hand as a
 * typed object; a test checks that every route the router serves is in it, and no other.
 */

/** The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) this document needs. */
export interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  prefixItems?: Schema[];
  enum?: Array<string | null>;
  const?: unknown;
  $ref?: string;
  allOf?: Schema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  additionalProperties?: Schema | boolean;
}

interface Parameter { name: string; in: 'path' | 'query'; required?: boolean; description: string; schema: Schema }
interface Response { description: string; headers?: Record<string, { description: string; schema: Schema }>; content?: Record<string, { schema: Schema }> }
interface Operation { operationId: string; summary: string; description?: string; parameters?: Parameter[]; responses: Record<string, Response> }

/** An OpenAPI 3.1 document (the fields used here). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, { get: Operation }>;
  components: { schemas: Record<string, Schema> };
}

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const nullable = (s: Schema): Schema => ({ ...s, type: [String(s.type), 'null'] });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (s: Schema): Schema => ({ type: 'array', items: s });
const object = (properties: Record<string, Schema>, description?: string): Schema =>
  ({ type: 'object', ...(description ? { description } : {}), properties, required: Object.keys(properties) });

const RUN_STATUS: Schema = { type: 'string', enum: ['running', 'completed', 'failed', 'budget_exceeded', 'loop_detected', 'interrupted'] };
const OUTCOME: Schema = { type: 'string', enum: ['ok', 'error', 'estimated', 'replayed', 'refused', 'capped', 'in_flight'],
  description: 'refused: denied before it was sent; replayed: served from the journal ($0); estimated: charged at its reservation (usage unknown); capped: sent with its output limit lowered to fit the budget.' };
const MARKER_KIND: Schema = { type: 'string', enum: ['checkpoint', 'refusal', 'cap', 'loop', 'circuit', 'resume', 'stop'] };

const run: Record<string, Schema> = {
  runId: str, script: str, args: arrayOf(str), cwd: str, status: RUN_STATUS, exitCode: nullable(int), budgetUsd: nullable(num), spentUsd: num,
  llmCalls: { ...int, description: 'billed calls: not refused, not replayed' }, simulated: bool, startedAt: time, endedAt: nullable(time),
  error: nullable(str), attempts: int, headCheckpoint: nullable(str),
};

const SCHEMAS: Record<string, Schema> = {
  Error: object({ error: str }, 'Every 4xx answer.'),
  Info: object({ version: str, db: str, readOnly: { type: 'boolean', const: true } }),
  Run: object(run, 'A run, as `wflo status --json` lists it.'),
  RunDetail: object({
    ...run,
    byModel: arrayOf(object({ provider: str, model: str, calls: int, inputTokens: int, cachedInputTokens: int, outputTokens: int, costUsd: num, estimatedCalls: int })),
    replayedCalls: int, rolledBack: bool, refusedCalls: int, cappedCalls: int, waitedCalls: int, budgetUsedPct: nullable(num),
    byAgent: arrayOf(object({ agent: str, calls: int, costUsd: num, budgetUsd: nullable(num) })),
    tools: arrayOf(object({ name: str, asked: int, runs: int, succeeded: int, failed: int, successRate: nullable(num), medianMs: nullable(num) })),
    deadLetters: int,
  }, 'A run with its breakdowns, as `wflo status <run-id> --json` prints it.'),
  Call: object({
    seq: int, attempt: int, tryNumber: int, retryOf: nullable(int), startedAt: time, endedAt: nullable(time), agent: nullable(str), provider: str,
    model: str, responseModel: nullable(str), endpoint: str, stream: bool, status: OUTCOME, inputTokens: int, cachedInputTokens: int,
    cacheWriteTokens: int, outputTokens: int, reasoningTokens: int, costUsd: num, reservedUsd: num, latencyMs: nullable(num), waitedMs: nullable(num),
    outputCap: nullable(int), httpStatus: nullable(int), error: nullable(str), superseded: bool,
  }, 'One LLM call.'),
  CallPage: object({ runId: str, total: int, offset: int, limit: int, sort: str, order: { type: 'string', enum: ['asc', 'desc'] },
    status: { ...OUTCOME, type: ['string', 'null'], enum: [...(OUTCOME.enum ?? []), null] }, calls: arrayOf(ref('Call')) }),
  Marker: object({ at: { ...int, description: 'ms since the epoch' }, kind: MARKER_KIND, label: str, seq: nullable(int), checkpointId: nullable(str) }),
  Timeline: object({
    runId: str, budgetUsd: nullable(num), spentUsd: num, startedAt: int, endedAt: nullable(int), calls: int,
    points: { ...arrayOf({ type: 'array', prefixItems: [int, num] }), description: '[ms since the epoch, USD spent so far], at most `points` of them' },
    markers: arrayOf(ref('Marker')), markerCounts: { type: 'object', additionalProperties: int },
  }, 'Spend over time, downsampled on the server.'),
  Checkpoint: object({ id: str, runId: str, name: str, seq: int, createdAt: time, spentUsd: num, sizeBytes: int,
    status: { type: 'string', enum: ['active', 'head', 'superseded'] } }, 'A checkpoint, as `wflo checkpoints <run-id> --json` lists it.'),
  CheckpointDetail: { allOf: [ref('Checkpoint'), object({ state: { description: 'the saved state (JSON), as `wflo checkpoints show` prints it' },
    commands: object({ rollback: str, resume: str, show: str }) })] },
  Circuit: object({ name: str, kind: { type: 'string', enum: ['provider', 'burn-rate'] }, state: { type: 'string', enum: ['closed', 'open', 'half-open'] },
    retryAt: nullable(time), lastError: nullable(str), runId: nullable(str), updatedAt: time }, 'A breaker, as `wflo circuits --json` lists it.'),
  DeadLetter: object({ id: int, runId: str, firstSeq: int, lastSeq: int, attempts: int, provider: str, model: str, endpoint: str, agent: nullable(str),
    summary: { description: 'the request summary (JSON when it parses)' }, httpStatus: nullable(int), error: str, createdAt: time },
  'A call given up on after its retries, as `wflo dlq --json` lists it.'),
};

const json = (schema: Schema): Record<string, { schema: Schema }> => ({ 'application/json': { schema } });
const ok = (description: string, schema: Schema): Record<string, Response> => ({
  200: { description, content: json(schema) },
  400: { description: 'a query value out of range or of the wrong kind', content: json(ref('Error')) },
});
const withNotFound = (responses: Record<string, Response>, what: string): Record<string, Response> =>
  ({ ...responses, 404: { description: `no ${what} with that id`, content: json(ref('Error')) } });
const idParam = (what: string): Parameter => ({ name: 'id', in: 'path', required: true, description: `the ${what} id`, schema: str });
const query = (name: string, description: string, schema: Schema): Parameter => ({ name, in: 'query', description, schema });
const paging = (fallback: number, max: number): Parameter[] => [
  query('offset', 'how many to skip', { ...int, minimum: 0, default: 0 }),
  query('limit', 'how many to return', { ...int, minimum: 1, maximum: max, default: fallback }),
];

/** The document, for the wflo version that serves it. */
export function openApiDocument(version: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'wflo ui API', version,
      description: 'Read-only JSON over the local wflo store: the shapes `--json` prints. Every route is GET; other methods get 405. '
        + 'Served on 127.0.0.1 by `wflo ui`.',
    },
    servers: [{ url: '/' }],
    paths: {
      '/api/info': { get: { operationId: 'getInfo', summary: 'The wflo version and the store read', responses: ok('the store', ref('Info')) } },
      '/api/runs': { get: {
        operationId: 'listRuns', summary: 'Runs, newest first',
        parameters: [query('status', 'only runs with this status', RUN_STATUS), query('script', 'only runs whose script path contains this', str),
          query('q', 'only runs whose id contains this', str), ...paging(50, 1000)],
        responses: { ...ok('runs', arrayOf(ref('Run'))), 200: { description: 'runs', headers: { 'X-Total-Count': { description: 'runs matching, before paging', schema: int } }, content: json(arrayOf(ref('Run'))) } },
      } },
      '/api/runs/{id}': { get: { operationId: 'getRun', summary: 'One run: spend by model and agent, tools, outcome', parameters: [idParam('run')],
        responses: withNotFound(ok('the run', ref('RunDetail')), 'run') } },
      '/api/runs/{id}/calls': { get: {
        operationId: 'listCalls', summary: 'A page of the run\'s LLM calls', description: 'Sorted and paged on the server (`LIMIT ? OFFSET ?`): fast for runs of tens of thousands of calls.',
        parameters: [idParam('run'), ...paging(50, 1000),
          query('sort', 'the column to sort by; ties in call order', { type: 'string', enum: ['seq', 'time', 'agent', 'model', 'tokens', 'cost', 'latency', 'status'], default: 'seq' }),
          query('order', 'sort order', { type: 'string', enum: ['asc', 'desc'], default: 'asc' }), query('status', 'only calls with this outcome', OUTCOME)],
        responses: withNotFound(ok('the page', ref('CallPage')), 'run'),
      } },
      '/api/runs/{id}/timeline': { get: {
        operationId: 'getTimeline', summary: 'Spend over time with checkpoints, refusals, caps, loops, circuit trips, resumes and the stop',
        description: 'Cumulative spend downsampled to at most `points` points (each time bucket keeps its last value). Refusals, loops and circuit refusals are told apart by the refused call\'s stored message; at most 500 marks of each kind are returned, `markerCounts` has the totals.',
        parameters: [idParam('run'), query('points', 'the most points to return', { ...int, minimum: 2, maximum: 10_000, default: 600 })],
        responses: withNotFound(ok('the timeline', ref('Timeline')), 'run'),
      } },
      '/api/runs/{id}/checkpoints': { get: { operationId: 'listCheckpoints', summary: 'The run\'s checkpoints in order', parameters: [idParam('run')],
        responses: withNotFound(ok('checkpoints', arrayOf(ref('Checkpoint'))), 'run') } },
      '/api/checkpoints/{id}': { get: { operationId: 'getCheckpoint', summary: 'One checkpoint with its saved state and the rollback and resume commands', parameters: [idParam('checkpoint')],
        responses: withNotFound(ok('the checkpoint', ref('CheckpointDetail')), 'checkpoint') } },
      '/api/circuits': { get: { operationId: 'listCircuits', summary: 'Circuit breakers kept across runs, in their state now', responses: ok('breakers', arrayOf(ref('Circuit'))) } },
      '/api/dlq': { get: { operationId: 'listDeadLetters', summary: 'Calls given up on after their retries, newest first',
        parameters: [query('run', 'only this run\'s', str), query('limit', 'how many to return', { ...int, minimum: 1, maximum: 1000, default: 50 })],
        responses: withNotFound(ok('dead letters', arrayOf(ref('DeadLetter'))), 'run') } },
      '/api/events': { get: { operationId: 'events', summary: 'Server-sent events: `change` whenever a run writes to the store',
        description: 'text/event-stream. `hello` on connect, then `change` (data `{"version": n}`) at most every 500 ms while the store is being written; pages refetch what they show.',
        responses: { 200: { description: 'an event stream', content: { 'text/event-stream': { schema: str } } } } } },
      '/api/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } } } },
    },
    components: { schemas: SCHEMAS },
  };
}
