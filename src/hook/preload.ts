/**
 * The preload: loaded with `--require` into every Node process and worker thread of a run
 * (NODE_OPTIONS). It installs the hook (install.ts, bundled beside it as dist/install-hook.cjs)
 * in every thread but one: the thread in which Node 20 runs module.register() hooks (tsx's,
 * wflo's own resolver). Node 20 runs preloads there too, and loading the hook there (~10 ms of
 * modules and a connection) would hold up every import of the script; loaders make no LLM calls.
 * Node 22 and later run no preload there. User workers always have a parentPort; that thread has none.
 */
import { isMainThread, parentPort } from 'node:worker_threads';

interface Hook { installHook(preloadFile: string): void }

if (isMainThread || parentPort !== null) (require('./install-hook.cjs') as Hook).installHook(__filename);
