/**
 * The IPC protocol between the hook (inside the agent's processes) and the supervisor.
 * JSON lines over a Unix socket. Every message is parsed from `unknown` on receipt.
 * Bump PROTOCOL_VERSION on any incompatible change.
 */
export const PROTOCOL_VERSION = 1;

/** Environment variables the supervisor sets for the agent's processes. */
export const ENV = {
  socket: 'WFLO_SOCKET',
  runId: 'WFLO_RUN_ID',
} as const;

export type Provider = 'openai' | 'anthropic';
export type Endpoint = 'chat.completions' | 'responses' | 'embeddings' | 'messages';

/** Token counts as providers report them, normalised: inputTokens is the total input. */
export interface Usage {
  /** All input tokens, including cached reads and cache writes. */
  inputTokens: number;
  /** Input tokens read from the provider's cache (part of inputTokens). */
  cachedInputTokens: number;
  /** Input tokens written to the provider's cache (part of inputTokens). */
  cacheWriteTokens: number;
  /** All output tokens, including reasoning. */
  outputTokens: number;
  /** Reasoning tokens (part of outputTokens). */
  reasoningTokens: number;
}

export interface HelloMessage { v: number; type: 'hello'; pid: number; ppid: number; thread: number }
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
}
export type SettleOutcome = 'ok' | 'error' | 'incomplete';
export interface SettleMessage {
  type: 'settle';
  callId: number;
  /** ok: usage is exact. error: the provider refused (no usage, nothing billed). incomplete: no usage known. */
  outcome: SettleOutcome;
  usage: Usage | null;
  httpStatus: number;
  latencyMs: number;
  /** The model the provider says answered, when it differs from the request's. */
  model: string | null;
  error: string | null;
}
export type HookMessage = HelloMessage | ReserveMessage | SettleMessage;

export interface GrantMessage { type: 'grant'; rid: number; callId: number }
export type DenyCode = 'budget_exceeded' | 'unknown_price' | 'run_stopping';
export interface DenyMessage { type: 'deny'; rid: number; code: DenyCode; message: string }
export type SupervisorMessage = GrantMessage | DenyMessage;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
function isString(value: unknown): value is string {
  return typeof value === 'string';
}
const PROVIDERS: readonly string[] = ['openai', 'anthropic'];
const ENDPOINTS: readonly string[] = ['chat.completions', 'responses', 'embeddings', 'messages'];
const OUTCOMES: readonly string[] = ['ok', 'error', 'incomplete'];
const DENY_CODES: readonly string[] = ['budget_exceeded', 'unknown_price', 'run_stopping'];

function parseUsage(value: unknown): Usage | null | undefined {
  if (value === null) return null;
  if (!isObject(value)) return undefined;
  const { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens } = value;
  if (![inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens].every(isCount)) return undefined;
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
        ? (value as unknown as HelloMessage) : undefined;
    case 'reserve':
      return isCount(value.rid) && PROVIDERS.includes(String(value.provider)) && ENDPOINTS.includes(String(value.endpoint))
        && isString(value.model) && typeof value.stream === 'boolean' && isCount(value.inputTokensMax)
        && (value.outputTokensMax === null || isCount(value.outputTokensMax))
        ? (value as unknown as ReserveMessage) : undefined;
    case 'settle': {
      const usage = parseUsage(value.usage);
      return isCount(value.callId) && OUTCOMES.includes(String(value.outcome)) && usage !== undefined
        && isCount(value.httpStatus) && typeof value.latencyMs === 'number'
        && (value.model === null || isString(value.model)) && (value.error === null || isString(value.error))
        ? ({ ...(value as unknown as SettleMessage), usage }) : undefined;
    }
    default:
      return undefined;
  }
}

/** Parses one line from the supervisor; undefined when it is not a valid message. */
export function parseSupervisorMessage(line: string): SupervisorMessage | undefined {
  let value: unknown;
  try { value = JSON.parse(line); } catch { return undefined; }
  if (!isObject(value) || !isCount(value.rid)) return undefined;
  if (value.type === 'grant' && isCount(value.callId)) return value as unknown as GrantMessage;
  if (value.type === 'deny' && DENY_CODES.includes(String(value.code)) && isString(value.message)) {
    return value as unknown as DenyMessage;
  }
  return undefined;
}
