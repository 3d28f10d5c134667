import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import type { CarriedEnv } from './carried-env.js';

interface SpawnOptions { envPairs?: string[]; file?: string; args?: string[] }
type Spawn = (this: childProcess.ChildProcess, options: SpawnOptions) => unknown;
type SyncSpawn = (...args: unknown[]) => unknown;
/** Reports the program a spawn starts (file, arguments after its name). */
export type SpawnWatcher = (file: string, args: readonly string[]) => void;

function isOptions(arg: unknown): arg is { env?: NodeJS.ProcessEnv; shell?: unknown } {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg);
}

/** What a synchronous spawn starts, from its own arguments (it bypasses ChildProcess#spawn). */
function syncTarget(name: string, args: unknown[]): [string, string[]] | null {
  const [first, second] = args;
  if (typeof first !== 'string') return null;
  const list = Array.isArray(second) ? second.map(String) : [];
  const shell = name === 'execSync' || args.some((arg) => isOptions(arg) && arg.shell);
  return shell ? ['/bin/sh', ['-c', [first, ...list].join(' ')]] : [first, list];
}

/** Imposes wflo's variables on an explicit `env` given to a synchronous spawn, and reports what it starts. */
function patchSyncSpawns(carried: CarriedEnv, watch: SpawnWatcher): void {
  const module = childProcess as unknown as Record<string, SyncSpawn>;
  for (const name of ['spawnSync', 'execFileSync', 'execSync']) {
    const original = module[name];
    if (!original) continue;
    module[name] = function syncSpawn(this: unknown, ...args: unknown[]): unknown {
      const target = syncTarget(name, args);
      if (target) watch(...target);
      // A copy of the caller's options: their objects are theirs (and may be frozen).
      const withHook = args.map((arg) => (isOptions(arg) && arg.env ? { ...arg, env: carried.applyTo(arg.env) } : arg));
      return original.apply(this, withHook);
    };
  }
  // `import { execFileSync } from 'node:child_process'` must see the wrapped functions too.
  syncBuiltinESMExports();
}

/**
 * A script that spawns `node` with an explicit `env` would drop the hook (and so the budget).
 * Every async spawn goes through ChildProcess#spawn with the final environment as `envPairs`:
 * wflo's variables are imposed there, whatever the caller set; the sync spawns are wrapped.
 * Every spawn is shown to `watch`, which warns about programs wflo cannot reach.
 */
export function keepHookInChildren(carried: CarriedEnv, watch: SpawnWatcher): void {
  const proto = childProcess.ChildProcess.prototype as unknown as { spawn: Spawn };
  const original = proto.spawn;
  proto.spawn = function spawn(this: childProcess.ChildProcess, options: SpawnOptions) {
    if (typeof options?.file === 'string') watch(options.file, (options.args ?? []).slice(1));
    if (Array.isArray(options?.envPairs)) carried.applyToPairs(options.envPairs);
    return original.call(this, options);
  };
  patchSyncSpawns(carried, watch);
}
