import { createHash } from 'node:crypto';
import type { SavedCheckpoint, SupervisorMessage } from '../protocol/messages.js';
import { WfloSdkError } from './errors.js';
import { hookLink, type HookLink } from './hook-link.js';
import { deltaJson, encodeState } from './state-encoding.js';

/** A saved checkpoint as the script gets it back. */
export interface Checkpoint<State> {
  id: string;
  name: string;
  seq: number;
  state: State;
}

/** After this many deltas in a row, a whole state is stored again, so reading one back stays quick. */
const MAX_DELTA_CHAIN = 32;

function answerOf<T extends SupervisorMessage['type']>(answer: SupervisorMessage | Error, type: T): Extract<SupervisorMessage, { type: T }> {
  if (answer instanceof Error) throw new WfloSdkError(answer.message, { cause: answer });
  if (answer.type === type) return answer as Extract<SupervisorMessage, { type: T }>;
  throw new WfloSdkError(answer.type === 'failed' ? answer.message : `unexpected answer "${answer.type}" from the supervisor`);
}

async function send(link: HookLink, name: string, payload: string, base: string | null, hash: string, size: number) {
  return link.connection.request({ type: 'checkpoint', name, payload, base, hash, size });
}

/**
 * Saves `state` (JSON data) as a checkpoint named `name` and resolves once it is stored: after
 * that it survives any crash. Strings that look like API keys are redacted. Identical
 * consecutive states are stored once. Outside `wflo run` it does nothing and resolves undefined.
 * @returns the checkpoint id
 */
export async function checkpoint(name: string, state: unknown): Promise<string | undefined> {
  const link = hookLink();
  if (!link) return undefined;
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('wflo: checkpoint(name, state) needs a non-empty name');
  const base = link.checkpointBase;
  const encoded = encodeState(state, base);
  const size = Buffer.byteLength(encoded.json);
  const hash = createHash('sha256').update(encoded.json).digest('hex');
  const delta = base && encoded.keys && base.chain < MAX_DELTA_CHAIN ? deltaJson(base.keys, encoded.keys, encoded.json.length) : null;
  let answer = delta !== null && base ? await send(link, name, delta, base.id, hash, size) : await send(link, name, encoded.json, null, hash, size);
  if (!(answer instanceof Error) && answer.type === 'failed' && answer.code === 'need_full') {
    answer = await send(link, name, encoded.json, null, hash, size);
  }
  const saved = answerOf(answer, 'checkpoint-saved');
  if (encoded.keys && encoded.raw) link.checkpointBase = { id: saved.id, raw: encoded.raw, keys: encoded.keys, chain: delta !== null && base ? base.chain + 1 : 0 };
  else delete link.checkpointBase;
  return saved.id;
}

function parsed<State>(saved: SavedCheckpoint): Checkpoint<State> {
  return { id: saved.id, name: saved.name, seq: saved.seq, state: JSON.parse(saved.state) as State };
}

/**
 * The run's head checkpoint: the last one saved, or the one `wflo rollback` chose. Undefined
 * when there is none, or outside `wflo run`.
 */
export async function lastCheckpoint<State = unknown>(): Promise<Checkpoint<State> | undefined> {
  const link = hookLink();
  if (!link) return undefined;
  const [head] = answerOf(await link.connection.request({ type: 'last-checkpoint' }), 'checkpoints').checkpoints;
  return head ? parsed<State>(head) : undefined;
}

/** Every checkpoint on the run's current timeline, oldest first (used by the LangGraph saver). */
export async function listCheckpoints<State = unknown>(): Promise<Array<Checkpoint<State>>> {
  const link = hookLink();
  if (!link) return [];
  return answerOf(await link.connection.request({ type: 'list-checkpoints' }), 'checkpoints').checkpoints.map((c) => parsed<State>(c));
}
