import type { HookRequest, SupervisorMessage, ToolRunMessage } from '../protocol/messages.js';

type RequestBody = HookRequest extends infer M ? (M extends HookRequest ? Omit<M, 'rid'> : never) : never;

/** What the preload leaves on globalThis for the SDK: its connection, and the SDK's per-thread memory. */
export interface HookLink {
  connection: { request(message: RequestBody): Promise<SupervisorMessage | Error>; tell(message: ToolRunMessage): void };
  /** The last checkpoint this thread saved, as the base of the next delta. */
  checkpointBase?: { id: string; raw: Map<string, { value: unknown; text: string }>; keys: Map<string, string>; chain: number };
}

/** The hook's link when running under `wflo run`, else undefined (then the SDK does nothing). */
export function hookLink(): HookLink | undefined {
  return (globalThis as Record<symbol, HookLink | undefined>)[Symbol.for('wflo.hook')];
}
