import { isProcessAlive } from './process-alive.js';
import type { RunRecord, RunStatus } from './types.js';

/** True while the run's wflo is alive. A run marked running whose wflo is gone was cut off. */
export function isRunning(run: RunRecord): boolean {
  return run.status === 'running' && isProcessAlive(run.supervisorPid);
}

/** The status to show: a run still marked running whose wflo is gone was interrupted. */
export function shownStatus(run: RunRecord): RunStatus {
  return run.status === 'running' && !isRunning(run) ? 'interrupted' : run.status;
}
