import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { ENV } from '../protocol/messages.js';

interface SpawnOptions { envPairs?: string[] }
type Spawn = (this: childProcess.ChildProcess, options: SpawnOptions) => unknown;
type SyncSpawn = (...args: unknown[]) => unknown;
const CARRIED = ['NODE_OPTIONS', ...Object.values(ENV)];

/** Puts wflo's variables into an explicit `env` given to a synchronous spawn (they bypass ChildProcess#spawn). */
function patchSyncSpawns(carried: ReadonlyArray<readonly [string, string]>): void {
  const module = childProcess as unknown as Record<string, SyncSpawn>;
  for (const name of ['spawnSync', 'execFileSync', 'execSync']) {
    const original = module[name];
    if (!original) continue;
    module[name] = function syncSpawn(this: unknown, ...args: unknown[]): unknown {
      // A copy of the caller's options: their objects are theirs (and may be frozen).
      const withHook = args.map((arg) => {
        const env = typeof arg === 'object' && arg !== null && !Array.isArray(arg) ? (arg as { env?: NodeJS.ProcessEnv }).env : undefined;
        if (!env) return arg;
        const merged: NodeJS.ProcessEnv = { ...env };
        for (const [key, value] of carried) {
          if (merged[key] === undefined) merged[key] = value;
          else if (key === 'NODE_OPTIONS' && !merged[key]?.includes(value)) merged[key] = `${merged[key]} ${value}`;
        }
        return { ...(arg as object), env: merged };
      });
      return original.apply(this, withHook);
    };
  }
  // `import { execFileSync } from 'node:child_process'` must see the wrapped functions too.
  syncBuiltinESMExports();
}

/**
 * A script that spawns `node` with an explicit `env` would drop the hook (and so the budget).
 * Every async spawn goes through ChildProcess#spawn with the final environment as `envPairs`:
 * put wflo's variables back there; the sync spawns are wrapped. Values the caller set are kept.
 */
export function keepHookInChildren(): void {
  const proto = childProcess.ChildProcess.prototype as unknown as { spawn: Spawn };
  const original = proto.spawn;
  const carried = CARRIED
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
  patchSyncSpawns(carried);
}
