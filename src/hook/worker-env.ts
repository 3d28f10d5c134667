import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';
import type { CarriedEnv } from './carried-env.js';

type WorkerOptions = ConstructorParameters<typeof workerThreads.Worker>[1];

/**
 * A worker thread reads NODE_OPTIONS and wflo's variables from its own `env`, not the
 * process's: one started with `env: { … }` would run without the hook. Workers get wflo's
 * variables imposed on whatever env they are given (a shared env is the process's own).
 */
export function keepHookInWorkers(carried: CarriedEnv): void {
  const module = workerThreads as { Worker: typeof workerThreads.Worker };
  const Original = module.Worker;
  const withHook = (options: WorkerOptions): WorkerOptions => {
    const env = options?.env;
    if (env === workerThreads.SHARE_ENV) {
      Object.assign(process.env, carried.applyTo(process.env));
      return options;
    }
    const given = typeof env === 'object' && env !== null ? (env as Record<string, string | undefined>) : process.env;
    return { ...options, env: carried.applyTo(given) };
  };
  module.Worker = class Worker extends Original {
    constructor(filename: string | URL, options?: WorkerOptions) {
      super(filename, withHook(options));
    }
  };
  syncBuiltinESMExports();
}
