import type { ResolvedRunOptions } from '../config/run-options.js';
import { EXIT, WfloError } from '../errors.js';
import type { FakeProvider } from '../simulator/server.js';
import { IpcServer } from './ipc-server.js';
import { scriptEnv } from './script-env.js';
import { startScript, type ScriptProcess } from './script-process.js';
import { logDirFor, socketPathFor, sweepStaleFiles } from './socket-dir.js';

/** What a run starts before its store is opened: the socket, the simulator when asked for, the held script. */
export interface Launch {
  runId: string;
  ipc: IpcServer;
  script: ScriptProcess;
  simulator: FakeProvider | null;
  /** Ends it all before the script's first line: the run could not be recorded. */
  cancel(): Promise<void>;
}

async function listen(runId: string): Promise<IpcServer> {
  try {
    return await IpcServer.listen(socketPathFor(runId), logDirFor());
  } catch (err) {
    throw new WfloError('WFLO_IPC', `run ${runId} cannot listen for the script's processes: ${err instanceof Error ? err.message : String(err)}`, EXIT.internal, { cause: err });
  }
}

/**
 * Starts the script first, held by its hook before its first line: node starts (tens of ms)
 * while wflo opens its store and loads what supervising takes. The socket listens before the
 * script starts, so its hook always finds it; its messages wait there until the supervisor reads them.
 */
export async function launchRun(o: ResolvedRunOptions, runId: string, env: NodeJS.ProcessEnv, pipeOutput: boolean): Promise<Launch> {
  const ipc = await listen(runId);
  let simulator: FakeProvider | null = null;
  try {
    // Loaded only when asked for: a real run does not pay for the simulator's code.
    if (o.simulate) simulator = await (await import('../simulator/server.js')).startFakeProvider({ latencyMs: 40, chunkDelayMs: 15 });
    const script = startScript({
      nodePath: o.nodePath, script: o.script, args: o.scriptArgs, cwd: o.cwd, pipeOutput,
      env: scriptEnv({
        base: env, socketPath: ipc.socketPath, logDir: ipc.logDir, runId, typescript: o.typescript, simulated: simulator, journal: o.journal,
        budgeted: o.budgetNano !== null || o.guards.agents.size > 0, retry: o.guards.retry, guards: o.guards.enabled,
      }),
    });
    sweepStaleFiles(ipc.socketPath, ipc.logDir);
    const started = simulator;
    return {
      runId, ipc, script, simulator,
      async cancel() {
        await script.cancel();
        await ipc.close();
        await started?.close();
      },
    };
  } catch (err) {
    await ipc.close();
    await simulator?.close();
    throw err;
  }
}
