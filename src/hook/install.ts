/**
 * The hook: installed by the preload (preload.ts) in every Node process and worker thread of a
 * run. Bundled as dist/install-hook.cjs, beside dist/preload.cjs.
 */
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { callLogBase, ENV } from '../protocol/messages.js';
import { CarriedEnv } from './carried-env.js';
import { keepHookInChildren } from './child-env.js';
import { SupervisorConnection } from './connection.js';
import { waitForGo } from './start-hold.js';
import { meterFetch } from './fetch-interceptor.js';
import { guardNodeHttp } from './http-guard.js';
import { notifyOnce } from './notices.js';
import { resolveWfloForScripts } from './resolve-wflo.js';
import { retrySettings } from './retry-settings.js';
import { watchSpawn } from './spawn-watch.js';
import { keepHookInWorkers } from './worker-env.js';

const INSTALLED = Symbol.for('wflo.hook');
const KILL_AFTER_MS = 3000;

/** The supervisor died (wflo was killed): the script goes with it. */
function followSupervisor(): void {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), KILL_AFTER_MS).unref();
}

/**
 * A script (or a polyfill) that assigns its own globalThis.fetch gets it metered too: the
 * assignment is wrapped, so no LLM call goes around the meter that way.
 */
function keepFetchMetered(metered: typeof fetch, meter: (original: typeof fetch) => typeof fetch): void {
  let current = metered;
  Object.defineProperty(globalThis, 'fetch', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: unknown) => {
      if (typeof value !== 'function') return;
      const original = value as typeof fetch;
      current = meter((input, init) => original(input, init));
    },
  });
}

/** Installs the hook in this thread; `preloadFile` is dist/preload.cjs, which children and workers are given. */
export function installHook(preloadFile: string): void {
  const socketPath = process.env[ENV.socket];
  const holder = globalThis as Record<symbol, unknown>;
  if (!socketPath || holder[INSTALLED]) return;
  // Told to end before the script's first line: wflo could not record the run.
  if (isMainThread && !waitForGo(process.env)) process.exit(1);
  const connection = new SupervisorConnection(socketPath, callLogBase(socketPath, process.env[ENV.logDir]), isMainThread ? followSupervisor : () => {});
  holder[INSTALLED] = { connection };
  const budgeted = process.env[ENV.budgeted] === '1';
  const meter = (original: typeof fetch): typeof fetch => meterFetch(original, connection, process.env[ENV.journal] !== '0', budgeted,
    retrySettings(process.env[ENV.retry]), process.env[ENV.guards] !== '0');
  keepFetchMetered(meter(globalThis.fetch.bind(globalThis)), meter);
  // Every thread: a worker can spawn children and start workers too.
  const carried = new CarriedEnv(process.env, preloadFile);
  const notify = notifyOnce(connection);
  keepHookInChildren(carried, (file, args) => watchSpawn(file, args, notify, budgeted));
  keepHookInWorkers(carried);
  guardNodeHttp(notify, budgeted);
  if (isMainThread) resolveWfloForScripts(dirname(preloadFile), process.argv[1]);
}
