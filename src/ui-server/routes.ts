import type { ApiHandler } from './api-context.js';
import { listCalls } from './handlers/calls.js';
import { getCheckpoint, listCheckpoints } from './handlers/checkpoints.js';
import { listCircuits, listDeadLetters } from './handlers/guards.js';
import { getInfo } from './handlers/info.js';
import { getRun, listRuns } from './handlers/runs.js';
import { getTimeline } from './handlers/timeline.js';

/** A route of the API: a JSON handler, the event stream, or the OpenAPI document. */
export type RouteTarget = { kind: 'json'; handler: ApiHandler } | { kind: 'events' } | { kind: 'openapi' };

/** A GET route, its path written as in the OpenAPI document (`{id}` for a parameter). */
export interface Route { path: string; target: RouteTarget }

/** Every route the server answers under /api. All are GET: the API never writes. */
export const ROUTES: readonly Route[] = [
  { path: '/api/info', target: { kind: 'json', handler: getInfo } },
  { path: '/api/runs', target: { kind: 'json', handler: listRuns } },
  { path: '/api/runs/{id}', target: { kind: 'json', handler: getRun } },
  { path: '/api/runs/{id}/calls', target: { kind: 'json', handler: listCalls } },
  { path: '/api/runs/{id}/timeline', target: { kind: 'json', handler: getTimeline } },
  { path: '/api/runs/{id}/checkpoints', target: { kind: 'json', handler: listCheckpoints } },
  { path: '/api/checkpoints/{id}', target: { kind: 'json', handler: getCheckpoint } },
  { path: '/api/circuits', target: { kind: 'json', handler: listCircuits } },
  { path: '/api/dlq', target: { kind: 'json', handler: listDeadLetters } },
  { path: '/api/events', target: { kind: 'events' } },
  { path: '/api/openapi.json', target: { kind: 'openapi' } },
];
