/**
 * The JSON shapes wflo prints with `--json` and serves from `wflo ui`'s API: one definition for
 * both, and for the dashboard that reads them. Types only, so the browser bundle can import them.
 */

/** A run's status as shown: a run marked running whose wflo is gone is `interrupted`. */
export type RunStatusJson = 'running' | 'completed' | 'failed' | 'budget_exceeded' | 'loop_detected' | 'interrupted';

/** One model's share of a run's billed calls. */
export interface ModelJson {
  provider: 'openai' | 'anthropic';
  model: string;
  calls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number;
  estimatedCalls: number;
}

/** A run, as `wflo status --json` lists it. */
export interface RunJson {
  runId: string;
  script: string;
  args: string[];
  cwd: string;
  status: RunStatusJson;
  exitCode: number | null;
  budgetUsd: number | null;
  spentUsd: number;
  llmCalls: number;
  simulated: boolean;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  attempts: number;
  headCheckpoint: string | null;
}

/** One agent's spend (calls outside any agent under `(none)`). */
export interface AgentJson { agent: string; calls: number; costUsd: number; budgetUsd: number | null }

/** One tool: asked for by responses, run through `tool()`. */
export interface ToolJson { name: string; asked: number; runs: number; succeeded: number; failed: number; successRate: number | null; medianMs: number | null }

/** A run with its breakdowns, as `wflo status <run-id> --json` prints it. */
export interface RunDetailJson extends RunJson {
  byModel: ModelJson[];
  replayedCalls: number;
  rolledBack: boolean;
  refusedCalls: number;
  cappedCalls: number;
  waitedCalls: number;
  budgetUsedPct: number | null;
  byAgent: AgentJson[];
  tools: ToolJson[];
  deadLetters: number;
}

/** A checkpoint, as `wflo checkpoints <run-id> --json` lists it. */
export interface CheckpointJson {
  id: string;
  runId: string;
  name: string;
  seq: number;
  createdAt: string;
  spentUsd: number;
  sizeBytes: number;
  status: 'active' | 'head' | 'superseded';
}

/** A circuit breaker, as `wflo circuits --json` lists it. */
export interface CircuitJson {
  name: string;
  kind: 'provider' | 'burn-rate';
  state: 'closed' | 'open' | 'half-open';
  retryAt: string | null;
  lastError: string | null;
  runId: string | null;
  updatedAt: string;
}

/** A call given up on after its retries, as `wflo dlq --json` lists it. */
export interface DeadLetterJson {
  id: number | undefined;
  runId: string;
  firstSeq: number;
  lastSeq: number;
  attempts: number;
  provider: 'openai' | 'anthropic';
  model: string;
  endpoint: string;
  agent: string | null;
  /** The request summary, parsed when it is JSON. */
  summary: unknown;
  httpStatus: number | null;
  error: string;
  createdAt: string;
}

/**
 * What became of a call, from its stored columns: refused (denied before it was sent), replayed
 * (served from the journal), in flight, estimated (charged at its reservation: usage unknown),
 * error, capped (sent with its output limit lowered to fit the budget) or ok.
 */
export type CallOutcome = 'ok' | 'error' | 'estimated' | 'replayed' | 'refused' | 'capped' | 'in_flight';

/** One LLM call of a run (`GET /api/runs/{id}/calls`). */
export interface CallJson {
  seq: number;
  attempt: number;
  /** 1 for a first try; a retry by wflo counts up, with `retryOf` the first try's seq. */
  tryNumber: number;
  retryOf: number | null;
  startedAt: string;
  endedAt: string | null;
  agent: string | null;
  provider: string;
  model: string;
  responseModel: string | null;
  endpoint: string;
  stream: boolean;
  status: CallOutcome;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  reservedUsd: number;
  latencyMs: number | null;
  waitedMs: number | null;
  outputCap: number | null;
  httpStatus: number | null;
  error: string | null;
  /** Made on a timeline a rollback abandoned. */
  superseded: boolean;
}

/** Columns the calls of a run can be sorted by. */
export type CallSort = 'seq' | 'time' | 'agent' | 'model' | 'tokens' | 'cost' | 'latency' | 'status';

/** One page of a run's calls. */
export interface CallPageJson {
  runId: string;
  /** Calls matching the filter, in all pages. */
  total: number;
  offset: number;
  limit: number;
  sort: CallSort;
  order: 'asc' | 'desc';
  status: CallOutcome | null;
  calls: CallJson[];
}

/** What a mark on the spend chart stands for. */
export type MarkerKind = 'checkpoint' | 'refusal' | 'cap' | 'loop' | 'circuit' | 'resume' | 'stop';

/** A moment on a run's spend chart. */
export interface MarkerJson {
  /** Milliseconds since the epoch. */
  at: number;
  kind: MarkerKind;
  label: string;
  /** The call it is about, when it is about one. */
  seq: number | null;
  /** The checkpoint, for checkpoint marks. */
  checkpointId: string | null;
}

/** A run's spend over time, downsampled for a chart (`GET /api/runs/{id}/timeline`). */
export interface TimelineJson {
  runId: string;
  budgetUsd: number | null;
  spentUsd: number;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endedAt: number | null;
  /** Calls the spend is made of (every recorded call, refused ones included at $0). */
  calls: number;
  /** [time in ms since the epoch, spent so far in USD], in time order; at most the `points` asked for. */
  points: Array<[number, number]>;
  /** Marks on the chart, in time order (at most `MARKERS_PER_KIND` of each kind). */
  markers: MarkerJson[];
  /** How many marks of each kind the run has, shown or not. */
  markerCounts: Record<MarkerKind, number>;
}

/** A checkpoint with its whole state (`GET /api/checkpoints/{id}`). */
export interface CheckpointDetailJson extends CheckpointJson {
  /** The saved state, as `wflo checkpoints show` prints it. */
  state: unknown;
  /** The commands that act on it, ready to copy. */
  commands: { rollback: string; resume: string; show: string };
}

/** What the dashboard shows about the store it reads (`GET /api/info`). */
export interface InfoJson { version: string; db: string; readOnly: true }
