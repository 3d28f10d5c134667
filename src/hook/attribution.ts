import { scopedAgent } from '../context/agent-scope.js';

/*
 * Frameworks keep their own context in AsyncLocalStorage, on globalThis: read it where it is,
 * without importing them. A framework that is not loaded costs one property lookup.
 */

/** @langchain/core's tracing storage, and the key of the runnable config in its store (LangGraph puts the node there). */
const LANGCHAIN_STORAGE = Symbol.for('ls:tracing_async_local_storage');
const LANGCHAIN_CONFIG = Symbol.for('lc:child_config');

interface Storage { getStore(): unknown }

function storageAt(key: symbol): Storage | undefined {
  const value = (globalThis as unknown as Record<symbol, unknown>)[key];
  return typeof value === 'object' && value !== null && typeof (value as Storage).getStore === 'function' ? value as Storage : undefined;
}

/** The LangGraph.js node running now (`langgraph_node` in the runnable config's metadata), or null. */
function langGraphNode(): string | null {
  const store = storageAt(LANGCHAIN_STORAGE)?.getStore() as { extra?: Record<symbol, unknown> } | undefined;
  const config = store?.extra?.[LANGCHAIN_CONFIG] as { metadata?: Record<string, unknown> } | undefined;
  const node = config?.metadata?.langgraph_node;
  return typeof node === 'string' && node !== '' ? node : null;
}

/** The OpenAI Agents SDK's trace context: its store holds the current span, each span the one before it. */
const AGENTS_STORAGE = Symbol.for('openai.agents.core.asyncLocalStorage');

interface AgentsSpan { spanData?: { type?: unknown; name?: unknown }; previousSpan?: AgentsSpan }

/** The OpenAI Agents SDK agent running now (the nearest `agent` span), or null. */
function agentsSdkAgent(): string | null {
  const store = storageAt(AGENTS_STORAGE)?.getStore() as { span?: AgentsSpan } | undefined;
  // A few spans deep at most (agent → generation/response, or → function → ...); the bound stops a cycle.
  let span = store?.span;
  for (let depth = 0; span && depth < 32; depth++, span = span.previousSpan) {
    if (span.spanData?.type === 'agent' && typeof span.spanData.name === 'string') return span.spanData.name;
  }
  return null;
}

/** OpenTelemetry's API registry, and the context key of the active span. */
const OTEL_API = Symbol.for('opentelemetry.js.api.1');
const OTEL_SPAN = Symbol.for('OpenTelemetry Context Key SPAN');

interface OtelApi { context?: { active(): { getValue(key: symbol): unknown } } }

/**
 * The Vercel AI SDK's `experimental_telemetry.functionId`, from the active OpenTelemetry span
 * (the SDK puts it on every span it records). Only there when the script runs an OpenTelemetry
 * SDK with a context manager, which is what that telemetry is for; wflo installs none.
 */
function vercelFunctionId(): string | null {
  const api = (globalThis as unknown as Record<symbol, OtelApi | undefined>)[OTEL_API];
  if (typeof api?.context?.active !== 'function') return null;
  const span = api.context.active().getValue(OTEL_SPAN) as { attributes?: Record<string, unknown> } | undefined;
  const id = span?.attributes?.['ai.telemetry.functionId'];
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * The agent a call leaving the process now belongs to: the framework's own (a LangGraph.js
 * node, an OpenAI Agents SDK agent, a Vercel AI SDK functionId), else the innermost agent()
 * around it, else null. Read synchronously as the call
 * starts (AsyncLocalStorage follows the caller's context).
 */
export function currentAgent(): string | null {
  return langGraphNode() ?? agentsSdkAgent() ?? vercelFunctionId() ?? scopedAgent();
}
