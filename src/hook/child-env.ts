import childProcess from 'node:child_process';
import { ENV } from '../protocol/messages.js';

interface SpawnOptions { envPairs?: string[] }
type Spawn = (this: childProcess.ChildProcess, options: SpawnOptions) => unknown;

/**
 * A script that spawns `node` with an explicit `env` would drop the hook (and so the budget).
 * Every async spawn goes through ChildProcess#spawn with the final environment as `envPairs`:
 * put wflo's variables back there. Values already set by the caller are kept.
 */
export function keepHookInChildren(): void {
  const proto = childProcess.ChildProcess.prototype as unknown as { spawn: Spawn };
  const original = proto.spawn;
  const carried = ['NODE_OPTIONS', ENV.socket, ENV.runId]
    .map((name) => [name, process.env[name]] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined);
  proto.spawn = function spawn(this: childProcess.ChildProcess, options: SpawnOptions) {
    const pairs = options?.envPairs;
    if (Array.isArray(pairs)) {
      for (const [name, value] of carried) {
        const at = pairs.findIndex((pair) => pair.startsWith(`${name}=`));
        if (at === -1) pairs.push(`${name}=${value}`);
        else if (name === 'NODE_OPTIONS' && !pairs[at]?.includes(value)) pairs[at] = `${pairs[at]} ${value}`;
      }
    }
    return original.call(this, options);
  };
}
