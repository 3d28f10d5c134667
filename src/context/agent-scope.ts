import { AsyncLocalStorage } from 'node:async_hooks';

/** Who a call is made for: the innermost agent() around it. */
export interface AgentScope { agent: string }

/**
 * One AsyncLocalStorage per thread, on globalThis: the SDK ('wflo', ESM) and the hook
 * (dist/preload.cjs) are separate module instances and must share it. Created by the first
 * agent() call, so a script that never names an agent pays nothing.
 */
const KEY = Symbol.for('wflo.agent-scope');

type Holder = Record<symbol, AsyncLocalStorage<AgentScope> | undefined>;

export function agentStorage(): AsyncLocalStorage<AgentScope> {
  const holder = globalThis as unknown as Holder;
  return (holder[KEY] ??= new AsyncLocalStorage<AgentScope>());
}

/** The agent of the code running now, or null outside any agent(). Never creates the storage. */
export function scopedAgent(): string | null {
  return (globalThis as unknown as Holder)[KEY]?.getStore()?.agent ?? null;
}
