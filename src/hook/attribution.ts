import { scopedAgent } from '../context/agent-scope.js';

/**
 * The agent a call leaving the process now belongs to: the innermost agent() around it, or
 * null. Read synchronously as the call starts (AsyncLocalStorage follows the caller's context).
 * Frameworks' own agents (graph nodes, SDK agents) plug in here.
 */
export function currentAgent(): string | null {
  return scopedAgent();
}
