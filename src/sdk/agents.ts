import { performance } from 'node:perf_hooks';
import { agentStorage, scopedAgent } from '../context/agent-scope.js';
import { hookLink } from './hook-link.js';

function checkName(what: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`wflo: ${what}(name, fn) needs a non-empty name`);
}

/**
 * Runs `fn` with every LLM call and tool run inside it attributed to agent `name`: its spend,
 * its budget (--agent-budget), its loops and its burn rate. Nested agents: the innermost wins.
 * Outside `wflo run` it just runs `fn`.
 */
export function agent<T>(name: string, fn: () => T): T {
  checkName('agent', name);
  return agentStorage().run({ agent: name }, fn);
}

/** The agent the code running now belongs to, or undefined outside any agent(). */
export function currentAgent(): string | undefined {
  return scopedAgent() ?? undefined;
}

function report(name: string, started: number, error: unknown): void {
  hookLink()?.connection.tell({
    type: 'tool-run', agent: scopedAgent(), name, ok: error === undefined, durationMs: performance.now() - started,
    error: error === undefined ? null : error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500),
  });
}

/**
 * Wraps a tool function so each run is recorded under `wflo run`: name, agent, duration and
 * whether it returned or threw (a rejected promise counts as a failure). The function's
 * result, errors and `this` pass through unchanged.
 */
export function tool<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  checkName('tool', name);
  if (typeof fn !== 'function') throw new TypeError('wflo: tool(name, fn) needs a function');
  return function wfloTool(this: unknown, ...args: A): R {
    const started = performance.now();
    let result: R;
    try {
      result = fn.apply(this, args);
    } catch (err) {
      report(name, started, err ?? new Error('thrown: undefined'));
      throw err;
    }
    if (result instanceof Promise) {
      return result.then((value: unknown) => { report(name, started, undefined); return value; },
        (err: unknown) => { report(name, started, err ?? new Error('rejected: undefined')); throw err; }) as R;
    }
    report(name, started, undefined);
    return result;
  };
}
