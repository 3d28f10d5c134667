/**
 * The preload: loaded with `--require` into every Node process and worker thread of a run
 * (NODE_OPTIONS). The only module with import-time effects; it imports nothing heavy.
 */
import { isMainThread } from 'node:worker_threads';
import { ENV } from '../protocol/messages.js';
import { keepHookInChildren } from './child-env.js';
import { SupervisorConnection } from './connection.js';
import { meterFetch } from './fetch-interceptor.js';
import { resolveWfloForScripts } from './resolve-wflo.js';

const INSTALLED = Symbol.for('wflo.hook');
const KILL_AFTER_MS = 3000;

/** The supervisor died (wflo was killed): the script goes with it. */
function followSupervisor(): void {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), KILL_AFTER_MS).unref();
}

function install(): void {
  const socketPath = process.env[ENV.socket];
  const holder = globalThis as Record<symbol, unknown>;
  if (!socketPath || holder[INSTALLED]) return;
  const connection = new SupervisorConnection(socketPath, isMainThread ? followSupervisor : () => {});
  holder[INSTALLED] = { connection };
  globalThis.fetch = meterFetch(globalThis.fetch.bind(globalThis), connection, process.env[ENV.journal] !== '0', process.env[ENV.budgeted] === '1');
  if (isMainThread) {
    keepHookInChildren();
    // This file is bundled as dist/preload.cjs: __dirname is dist/.
    resolveWfloForScripts(__dirname);
  }
}

install();
