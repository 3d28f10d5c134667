import { checkpointJson } from '../../json/checkpoint-json.js';
import type { CheckpointDetailJson } from '../../json/types.js';
import { CheckpointStore } from '../../store/checkpoint-store.js';
import { RunStore } from '../../store/run-store.js';
import type { ApiHandler } from '../api-context.js';
import { notFound } from '../http-error.js';

/** `GET /api/runs/{id}/checkpoints`: the run's checkpoints in order, as `wflo checkpoints <id> --json` lists them. */
export const listCheckpoints: ApiHandler = ({ params }, { db }) => {
  const runId = params.id ?? '';
  const run = new RunStore(db).getRun(runId);
  if (!run) throw notFound('run', runId);
  return { body: new CheckpointStore(db).list(run.id).map((c) => checkpointJson(c, run.headCheckpoint)) };
};

/** `GET /api/checkpoints/{id}`: one checkpoint with its whole state and the commands that act on it. */
export const getCheckpoint: ApiHandler = ({ params }, { db, dbArg }) => {
  const id = params.id ?? '';
  const checkpoints = new CheckpointStore(db);
  const c = checkpoints.get(id);
  if (!c) throw notFound('checkpoint', id);
  const head = new RunStore(db).getRun(c.runId)?.headCheckpoint ?? null;
  const db_ = dbArg === '' ? '' : ` ${dbArg}`;
  const body: CheckpointDetailJson = {
    ...checkpointJson(c, head), state: JSON.parse(checkpoints.state(id)) as unknown,
    commands: { rollback: `wflo rollback ${c.id}${db_}`, resume: `wflo resume ${c.runId}${db_}`, show: `wflo checkpoints show ${c.id}${db_}` },
  };
  return { body };
};
