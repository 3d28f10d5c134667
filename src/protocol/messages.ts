import type { ModelRates } from '../pricing/rates.js';

/**
 * The IPC protocol between the hook (inside the agent's processes) and the supervisor.
 * JSON lines over a Unix socket, and from each hook a call log: an append-only file of the
 * messages that need no answer (starts, settles, reports), which wflo reads on its own time, so
 * a call wakes no other process. Every message is parsed from `unknown` on receipt.
 * Bump PROTOCOL_VERSION on any incompatible change.
 */
export const PROTOCOL_VERSION = 5;

/**
 * Where a run's call logs go: in `logDir` (the user's own 0700 directory on tmpfs when there is
 * one, else the socket's), named for the run's socket. Part `part` of a hook's log adds the
 * nonce the hook gave in its hello.
 */
export function callLogBase(socketPath: string, logDir: string | undefined): string {
  return logDir ? `${logDir}/${socketPath.slice(socketPath.lastIndexOf('/') + 1)}` : socketPath;
}

/** The file of part `part` of a hook's call log (see callLogBase). */
export function callLogPath(base: string, nonce: string, part: number): string {
  return `${base}.${nonce}.${part}.log`;
}

/** A call log's nonce: what a hello may name (nothing that could point outside the socket directory). */
export const LOG_NONCE = /^[a-z0-9]{8,32}$/;

/** Environment variables the supervisor sets for the agent's processes. */
export const ENV = {
  socket: 'WFLO_SOCKET',
  /** The directory of the run's call logs (see callLogBase). */
  logDir: 'WFLO_LOG_DIR',
  runId: 'WFLO_RUN_ID',
  /** "0" when the run keeps no journal of responses (--no-journal). */
  journal: 'WFLO_JOURNAL',
  /** "1" when the run has a budget: billable calls wflo cannot meter are then refused. */
  budgeted: 'WFLO_BUDGETED',
  /** wflo's retry policy as JSON ({ maxAttempts, baseDelayMs, maxDelayMs }). */
  retry: 'WFLO_RETRY',
  /** "0" when the run has its guards off (--no-guards): requests are not fingerprinted for loops. */
  guards: 'WFLO_GUARDS',
} as const;

export type Provider = 'openai' | 'anthropic';
export type Endpoint = 'chat.completions' | 'completions' | 'responses' | 'embeddings' | 'messages';

/** Token counts as providers report them, normalised: inputTokens is the total input. */
export interface Usage {
  /** All input tokens, including cached reads and cache writes. */
  inputTokens: number;
  /** Input tokens read from the provider's cache (part of inputTokens). */
  cachedInputTokens: number;
  /** Input tokens written to the provider's cache (part of inputTokens). */
  cacheWriteTokens: number;
  /** Of the cache writes, those kept for an hour (Anthropic `ttl: "1h"`), billed at twice the base input price. */
  cacheWrite1hTokens?: number;
  /** All output tokens, including reasoning. */
  outputTokens: number;
  /** Reasoning tokens (part of outputTokens). */
  reasoningTokens: number;
}

/** The first message on a connection. `log` is the nonce of the hook's call log (see callLogPath). */
export interface HelloMessage { v: number; type: 'hello'; pid: number; ppid: number; thread: number; log: string }
/** On the socket, once: the hook's call log now exists (wflo reads it from then on). */
export interface LogOpenedMessage { type: 'log' }
/**
 * In the call log only. `sync`: the hook wrote its next socket message here, so wflo handles what
 * precedes this line before that message and what follows it after. `next`: the log goes on in
 * the next part (this part is complete and may be removed).
 */
export interface LogMarkMessage { type: 'sync' | 'next' }
/** In the call log only, first in each part: whose log it is (read when a killed wflo's log is filed later). */
export interface LogPartMessage { type: 'part'; pid: number }
export interface ReserveMessage {
  type: 'reserve';
  /** Request id, unique per connection; the answer carries it back. */
  rid: number;
  provider: Provider;
  endpoint: Endpoint;
  model: string;
  stream: boolean;
  /** Upper bound on input tokens (from the request's size). */
  inputTokensMax: number;
  /** Output ceiling from the request (max tokens × n), or null when the request sets none. */
  outputTokensMax: number | null;
  /** How many answers the request asks for (`n`): the model's output limit counts once for each. */
  choices: number;
  /** Why the request's cost cannot be bounded from its body (a stored conversation, a file id, server tools), or null. */
  unbounded: string | null;
  /** Ids of stored responses and items the request continues (previous_response_id, item_reference): bounded by what the run saw of them. */
  refs: string[];
  /** True when inputTokensMax is an exact token count; false when it is the cheap bound from the body's bytes. */
  counted: boolean;
  /** True when the hook can count the input tokens exactly if asked (`recount`). */
  countable: boolean;
  /** True when the hook can lower the request's output limit to fit the budget (the grant's maxOutputTokens). */
  fit: boolean;
  /** The lowest output limit per answer the request accepts (e.g. above an Anthropic thinking budget). */
  minOutputTokens: number;
  /** Identity of the request (hash of provider, endpoint and body) for journal replay; null when not journaling. */
  requestKey: string | null;
  /** The agent the call is made for (the SDK's agent(), a framework's node or agent), or null. */
  agent: string | null;
  /** What the request asks, whatever its delivery options (fingerprintRequest), for loop detection. */
  fingerprint: string;
  /** A retry by wflo: the first attempt's call id, and this attempt's number; null and 1 for a first attempt. */
  retryOf: number | null;
  tryNumber: number;
}
/**
 * A call the hook granted itself against its lease: written to the socket before the request
 * leaves the process (fire-and-forget). Settles and dead letters name it by -lid.
 */
export interface StartMessage extends Omit<ReserveMessage, 'type' | 'rid' | 'counted' | 'countable'> {
  type: 'start';
  /** The hook's own number for the call, unique per connection. */
  lid: number;
  /** What the call holds of the lease: its worst case, in nano-USD. */
  held: number;
  /** The output limit per answer sent with it (the model's, when the request set none and a budget binds), or null. */
  sentLimit: number | null;
}
/** The hook gives back what it had not used of its lease, after a recall. */
export interface ReturnedMessage { type: 'returned'; amount: number }
/** A tool call a response asked for: its name and its arguments as the model wrote them. */
export interface AskedTool { name: string; args: string }
export type SettleOutcome = 'ok' | 'error' | 'incomplete';
export interface SettleMessage {
  type: 'settle';
  /** The supervisor's call id (a call it granted), or -lid (a call the hook granted itself). */
  callId: number;
  /** ok: usage is exact. error: the provider refused (no usage, nothing billed). incomplete: no usage known. */
  outcome: SettleOutcome;
  usage: Usage | null;
  httpStatus: number;
  latencyMs: number;
  /** The model the provider says answered, when it differs from the request's. */
  model: string | null;
  error: string | null;
  /** The response as the caller received it, for replay on resume; null when not journaling. */
  journal: { contentType: string; body: string } | null;
  /** Ids later requests may continue from (the response's id, its output items' ids); empty when none. */
  context: string[];
  /** The network error code when the request broke (ECONNRESET, UND_ERR_SOCKET…), else null. */
  errorCode: string | null;
  /** Tool calls the response asked for, in order. */
  toolCalls: AskedTool[];
}
/** A run of a function wrapped with the SDK's tool(): fire-and-forget. */
export interface ToolRunMessage {
  type: 'tool-run';
  agent: string | null;
  name: string;
  ok: boolean;
  durationMs: number;
  error: string | null;
}
/** The hook gave up on a call after its attempts (transient failures): fire-and-forget, after the last attempt's settle. */
export interface DeadLetterMessage {
  type: 'dead-letter';
  firstCallId: number;
  lastCallId: number;
  attempts: number;
  httpStatus: number | null;
  error: string;
  /** JSON text: a short summary of the request. */
  summary: string;
}
/** Save a checkpoint: the whole state, or the keys that changed since checkpoint `base`. */
export interface CheckpointMessage {
  type: 'checkpoint';
  rid: number;
  name: string;
  /** JSON text: the state (base null), or `{"set":{key:value},"del":[key]}` against `base`. */
  payload: string;
  base: string | null;
  /** sha256 of the whole state's JSON. */
  hash: string;
  /** Bytes of the whole state's JSON. */
  size: number;
}
export interface LastCheckpointMessage { type: 'last-checkpoint'; rid: number }
export interface ListCheckpointsMessage { type: 'list-checkpoints'; rid: number }
export type HookRequest = ReserveMessage | CheckpointMessage | LastCheckpointMessage | ListCheckpointsMessage;
/** Something the hook saw that the run should show (an unmetered program or request); fire-and-forget. */
export interface NoticeMessage {
  type: 'notice';
  /** What kind of thing: the supervisor shows each kind once per run. */
  kind: NoticeKind;
  message: string;
}
export type NoticeKind = 'non-node-child' | 'unreachable-child' | 'unmetered-http';
export type HookMessage = HelloMessage | SettleMessage | HookRequest | NoticeMessage | ToolRunMessage | DeadLetterMessage | StartMessage | ReturnedMessage
  | LogOpenedMessage | LogMarkMessage | LogPartMessage;

/** Go ahead; with maxOutputTokens, only after lowering the request's output limit (per answer) to it. */
export interface GrantMessage { type: 'grant'; rid: number; callId: number; maxOutputTokens: number | null }
/** Count the request's input tokens exactly and ask again: the cheap bound is what keeps it from fitting. */
export interface RecountMessage { type: 'recount'; rid: number }
export type DenyCode = 'budget_exceeded' | 'unknown_price' | 'unbounded_cost' | 'run_stopping' | 'loop_detected' | 'circuit_open';
/** Facts about a refusal the script can read from the error (agent, spentUsd, budgetUsd; pattern, repeats; circuit, retryAt). */
export type DenyDetails = Record<string, string | number | null>;
export interface DenyMessage { type: 'deny'; rid: number; code: DenyCode; message: string; details: DenyDetails | null }
export interface ReplayMessage { type: 'replay'; rid: number; callId: number; httpStatus: number; contentType: string; body: string }
export interface CheckpointSavedMessage { type: 'checkpoint-saved'; rid: number; id: string; seq: number; deduplicated: boolean }
export interface SavedCheckpoint { id: string; name: string; seq: number; state: string }
export interface CheckpointsMessage { type: 'checkpoints'; rid: number; checkpoints: SavedCheckpoint[] }
/** A request the supervisor could not do; `code` need_full asks for the whole state instead of a delta. */
export interface FailedMessage { type: 'failed'; rid: number; code: 'need_full' | 'invalid'; message: string }
/** What a hook needs to price a model's calls itself. */
export interface ModelTerms { provider: Provider; model: string; rates: ModelRates }
/**
 * Unsolicited (rid 0): money the hook may spend on calls without asking, and the terms of doing
 * so. Calls outside the terms (an unknown model, an agent in `central`, anything while paused,
 * a call bigger than the credit) are asked for as before.
 */
export interface LeaseMessage {
  type: 'lease';
  rid: 0;
  /** Credit added, in nano-USD; null: no limit (no budget binds the hook's calls). */
  add: number | null;
  /** Models the hook may now price itself. */
  models: ModelTerms[];
  /** Agents whose calls must be asked for (their own budget, burn-rate limits). */
  central: string[];
  /** True while every call must be asked for (a loop warned about, a failing circuit, replay on resume, the run stopping). */
  paused: boolean;
}
/** Unsolicited (rid 0): give back the unused credit (answered with `returned`) and ask for calls until the next lease. */
export interface RecallMessage { type: 'recall'; rid: 0 }
export type SupervisorMessage = GrantMessage | RecountMessage | DenyMessage | ReplayMessage | CheckpointSavedMessage | CheckpointsMessage | FailedMessage
  | LeaseMessage | RecallMessage;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
/** A call id in a hook message: the supervisor's (positive) or the hook's own (-lid). */
function isCallId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value !== 0;
}
function isString(value: unknown): value is string {
  return typeof value === 'string';
}
const PROVIDERS: readonly string[] = ['openai', 'anthropic'];
const ENDPOINTS: readonly string[] = ['chat.completions', 'completions', 'responses', 'embeddings', 'messages'];
const OUTCOMES: readonly string[] = ['ok', 'error', 'incomplete'];
const NOTICE_KINDS: readonly string[] = ['non-node-child', 'unreachable-child', 'unmetered-http'];
const DENY_CODES: readonly string[] = ['budget_exceeded', 'unknown_price', 'unbounded_cost', 'run_stopping', 'loop_detected', 'circuit_open'];

/** What a reserve and a start both say of the call. */
function isCallFields(value: Fields): boolean {
  return PROVIDERS.includes(String(value.provider)) && ENDPOINTS.includes(String(value.endpoint))
    && isString(value.model) && typeof value.stream === 'boolean' && isCount(value.inputTokensMax)
    && (value.outputTokensMax === null || isCount(value.outputTokensMax))
    && (value.requestKey === null || isString(value.requestKey)) && isCount(value.choices) && value.choices >= 1
    && (value.unbounded === null || isString(value.unbounded))
    && Array.isArray(value.refs) && value.refs.every(isString) && typeof value.fit === 'boolean' && isCount(value.minOutputTokens)
    && (value.agent === null || isString(value.agent)) && isString(value.fingerprint)
    && (value.retryOf === null || isCallId(value.retryOf)) && isCount(value.tryNumber) && value.tryNumber >= 1;
}

/** Rates as the supervisor sends them: trusted (it computed them), only their shape is checked. */
function isModelTerms(value: unknown): value is ModelTerms {
  if (!isObject(value) || !PROVIDERS.includes(String(value.provider)) || !isString(value.model) || !isObject(value.rates)) return false;
  const r = value.rates;
  return [r.input, r.cachedInput, r.cacheWrite, r.output].every((rate) => isObject(rate) && typeof rate.base === 'number' && Array.isArray(rate.tiers))
    && (r.outputLimit === null || isCount(r.outputLimit));
}

function parseUsage(value: unknown): Usage | null | undefined {
  if (value === null) return null;
  if (!isObject(value)) return undefined;
  const { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens } = value;
  if (!(isCount(inputTokens) && isCount(cachedInputTokens) && isCount(cacheWriteTokens) && isCount(outputTokens) && isCount(reasoningTokens))) return undefined;
  if (value.cacheWrite1hTokens !== undefined && !(isCount(value.cacheWrite1hTokens) && value.cacheWrite1hTokens <= (cacheWriteTokens as number))) return undefined;
  return value as unknown as Usage;
}

/** Parses one line from a hook; undefined when it is not a valid message. */
export function parseHookMessage(line: string): HookMessage | undefined {
  let value: unknown;
  try { value = JSON.parse(line); } catch { return undefined; }
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'hello':
      return isCount(value.v) && isCount(value.pid) && isCount(value.ppid) && isCount(value.thread)
        // Another version's hello is still a hello: the supervisor refuses the connection by its v.
        && (value.v !== PROTOCOL_VERSION || (isString(value.log) && LOG_NONCE.test(value.log)))
        ? (value as unknown as HelloMessage) : undefined;
    case 'log':
      return { type: 'log' };
    case 'sync':
    case 'next':
      return { type: value.type };
    case 'part':
      return isCount(value.pid) ? { type: 'part', pid: value.pid } : undefined;
    case 'reserve':
      return isCount(value.rid) && typeof value.counted === 'boolean' && typeof value.countable === 'boolean' && isCallFields(value)
        ? (value as unknown as ReserveMessage) : undefined;
    case 'start':
      return isCount(value.lid) && value.lid > 0 && isCount(value.held) && (value.sentLimit === null || isCount(value.sentLimit))
        && isCallFields(value) ? (value as unknown as StartMessage) : undefined;
    case 'returned':
      return isCount(value.amount) ? (value as unknown as ReturnedMessage) : undefined;
    case 'settle': {
      const usage = parseUsage(value.usage);
      return isCallId(value.callId) && OUTCOMES.includes(String(value.outcome)) && usage !== undefined
        && isCount(value.httpStatus) && typeof value.latencyMs === 'number'
        && (value.model === null || isString(value.model)) && (value.error === null || isString(value.error))
        && (value.journal === null || (isObject(value.journal) && isString(value.journal.contentType) && isString(value.journal.body)))
        && Array.isArray(value.context) && value.context.every(isString)
        && (value.errorCode === null || isString(value.errorCode))
        && Array.isArray(value.toolCalls) && value.toolCalls.every((t) => isObject(t) && isString(t.name) && isString(t.args))
        ? (value as unknown as SettleMessage) : undefined; // parseUsage checked value.usage in place
    }
    case 'tool-run':
      return (value.agent === null || isString(value.agent)) && isString(value.name) && typeof value.ok === 'boolean'
        && typeof value.durationMs === 'number' && Number.isFinite(value.durationMs) && (value.error === null || isString(value.error))
        ? (value as unknown as ToolRunMessage) : undefined;
    case 'dead-letter':
      return isCallId(value.firstCallId) && isCallId(value.lastCallId) && isCount(value.attempts)
        && (value.httpStatus === null || isCount(value.httpStatus)) && isString(value.error) && isString(value.summary)
        ? (value as unknown as DeadLetterMessage) : undefined;
    case 'notice':
      return NOTICE_KINDS.includes(String(value.kind)) && isString(value.message) ? (value as unknown as NoticeMessage) : undefined;
    case 'checkpoint':
      return isCount(value.rid) && isString(value.name) && isString(value.payload) && (value.base === null || isString(value.base))
        && isString(value.hash) && isCount(value.size)
        ? (value as unknown as CheckpointMessage) : undefined;
    case 'last-checkpoint':
    case 'list-checkpoints':
      return isCount(value.rid) ? (value as unknown as LastCheckpointMessage | ListCheckpointsMessage) : undefined;
    default:
      return undefined;
  }
}

/** Parses one line from the supervisor; undefined when it is not a valid message. */
export function parseSupervisorMessage(line: string): SupervisorMessage | undefined {
  let value: unknown;
  try { value = JSON.parse(line); } catch { return undefined; }
  if (!isObject(value) || !isCount(value.rid)) return undefined;
  switch (value.type) {
    case 'grant':
      return isCount(value.callId) && (value.maxOutputTokens === null || isCount(value.maxOutputTokens)) ? (value as unknown as GrantMessage) : undefined;
    case 'recount':
      return value as unknown as RecountMessage;
    case 'deny':
      return DENY_CODES.includes(String(value.code)) && isString(value.message) && (value.details === null || isObject(value.details))
        ? (value as unknown as DenyMessage) : undefined;
    case 'replay':
      return isCount(value.callId) && isCount(value.httpStatus) && isString(value.contentType) && isString(value.body)
        ? (value as unknown as ReplayMessage) : undefined;
    case 'checkpoint-saved':
      return isString(value.id) && isCount(value.seq) && typeof value.deduplicated === 'boolean' ? (value as unknown as CheckpointSavedMessage) : undefined;
    case 'checkpoints':
      return Array.isArray(value.checkpoints) && value.checkpoints.every((c) => isObject(c) && isString(c.id) && isString(c.name) && isCount(c.seq) && isString(c.state))
        ? (value as unknown as CheckpointsMessage) : undefined;
    case 'lease':
      return (value.add === null || isCount(value.add)) && Array.isArray(value.models) && value.models.every(isModelTerms)
        && Array.isArray(value.central) && value.central.every(isString) && typeof value.paused === 'boolean'
        ? (value as unknown as LeaseMessage) : undefined;
    case 'recall':
      return value as unknown as RecallMessage;
    case 'failed':
      return (value.code === 'need_full' || value.code === 'invalid') && isString(value.message) ? (value as unknown as FailedMessage) : undefined;
    default:
      return undefined;
  }
}
