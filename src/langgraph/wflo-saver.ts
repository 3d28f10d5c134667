import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver, type ChannelVersions, type Checkpoint, type CheckpointListOptions,
  type CheckpointMetadata, type CheckpointPendingWrite, type CheckpointTuple, type PendingWrite, type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { checkpoint as saveCheckpoint, listCheckpoints } from '../sdk/checkpoint.js';

/** One LangGraph checkpoint as wflo stores it: JSON data, with LangGraph's own serialisation inside. */
interface StoredGraphCheckpoint {
  langgraph: 1;
  threadId: string;
  ns: string;
  id: string;
  parentId: string | null;
  type: string;
  checkpoint: string;
  metadataType: string;
  metadata: string;
}

function isStored(state: unknown): state is StoredGraphCheckpoint {
  return typeof state === 'object' && state !== null && (state as { langgraph?: unknown }).langgraph === 1;
}

function configOf(c: StoredGraphCheckpoint): RunnableConfig {
  return { configurable: { thread_id: c.threadId, checkpoint_ns: c.ns, checkpoint_id: c.id } };
}

function bytesToText(type: string, bytes: Uint8Array): [string, string] {
  // JSON stays readable in `wflo checkpoints show`; anything else travels as base64.
  return type === 'json' ? [type, Buffer.from(bytes).toString('utf8')] : [`${type}+base64`, Buffer.from(bytes).toString('base64')];
}

function textToBytes(type: string, text: string): [string, Uint8Array] {
  return type.endsWith('+base64') ? [type.slice(0, -7), Buffer.from(text, 'base64')] : [type, Buffer.from(text, 'utf8')];
}

/**
 * A LangGraph checkpointer on wflo's store. Every checkpoint the graph takes is a wflo
 * checkpoint (listed by `wflo checkpoints`); after `wflo rollback` + `wflo resume`, the graph
 * continues from the head. Outside `wflo run` it keeps checkpoints in memory only.
 * Pending writes are kept in memory: after a crash, the nodes of the interrupted step run
 * again, and their LLM calls are replayed from wflo's journal.
 */
export class WfloSaver extends BaseCheckpointSaver {
  private loading: Promise<void> | undefined;
  private readonly saved: StoredGraphCheckpoint[] = [];
  private readonly writes = new Map<string, CheckpointPendingWrite[]>();

  constructor(serde?: SerializerProtocol) {
    super(serde);
  }

  private load(): Promise<void> {
    this.loading ??= listCheckpoints().then((all) => {
      for (const c of all) if (isStored(c.state)) this.saved.push(c.state);
    });
    return this.loading;
  }

  private async tuple(c: StoredGraphCheckpoint, config: RunnableConfig): Promise<CheckpointTuple> {
    const checkpoint = (await this.serde.loadsTyped(...textToBytes(c.type, c.checkpoint))) as Checkpoint;
    const metadata = (await this.serde.loadsTyped(...textToBytes(c.metadataType, c.metadata))) as CheckpointMetadata;
    return {
      config,
      checkpoint,
      metadata,
      pendingWrites: this.writes.get(`${c.threadId}\0${c.ns}\0${c.id}`) ?? [],
      ...(c.parentId ? { parentConfig: { configurable: { thread_id: c.threadId, checkpoint_ns: c.ns, checkpoint_id: c.parentId } } } : {}),
    };
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    await this.load();
    const threadId = String(config.configurable?.thread_id ?? '');
    const ns = String(config.configurable?.checkpoint_ns ?? '');
    const id = config.configurable?.checkpoint_id as string | undefined;
    const mine = this.saved.filter((c) => c.threadId === threadId && c.ns === ns);
    // The newest on the run's current timeline is its head (what `wflo rollback` chose).
    const found = id ? mine.find((c) => c.id === id) : mine.at(-1);
    return found ? this.tuple(found, id ? config : configOf(found)) : undefined;
  }

  override async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    await this.load();
    const threadId = config.configurable?.thread_id as string | undefined;
    const ns = config.configurable?.checkpoint_ns as string | undefined;
    const before = options?.before?.configurable?.checkpoint_id as string | undefined;
    let left = options?.limit ?? Number.POSITIVE_INFINITY;
    for (const c of [...this.saved].reverse()) {
      if (left <= 0) return;
      if ((threadId !== undefined && c.threadId !== threadId) || (ns !== undefined && c.ns !== ns)) continue;
      if (before !== undefined && c.id >= before) continue;
      const tuple = await this.tuple(c, configOf(c));
      const filter = options?.filter ?? {};
      const metadata = (tuple.metadata ?? {}) as Record<string, unknown>;
      if (!Object.entries(filter).every(([key, value]) => Object.hasOwn(metadata, key) && metadata[key] === value)) continue;
      left--;
      yield tuple;
    }
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, _newVersions: ChannelVersions): Promise<RunnableConfig> {
    await this.load();
    const [type, text] = bytesToText(...(await this.serde.dumpsTyped(checkpoint)));
    const [metadataType, metadataText] = bytesToText(...(await this.serde.dumpsTyped(metadata)));
    const stored: StoredGraphCheckpoint = {
      langgraph: 1,
      threadId: String(config.configurable?.thread_id ?? ''),
      ns: String(config.configurable?.checkpoint_ns ?? ''),
      id: checkpoint.id,
      parentId: (config.configurable?.checkpoint_id as string | undefined) ?? null,
      type, checkpoint: text, metadataType, metadata: metadataText,
    };
    await saveCheckpoint(`langgraph ${stored.threadId} step ${metadata.step} (${metadata.source})`, stored);
    this.saved.push(stored);
    return configOf(stored);
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    const key = `${String(config.configurable?.thread_id ?? '')}\0${String(config.configurable?.checkpoint_ns ?? '')}\0${String(config.configurable?.checkpoint_id ?? '')}`;
    const list = this.writes.get(key) ?? [];
    for (const [channel, value] of writes) list.push([taskId, channel, value]);
    this.writes.set(key, list);
  }

  override async deleteThread(threadId: string): Promise<void> {
    // wflo keeps history: the thread is only forgotten by this saver.
    for (let i = this.saved.length - 1; i >= 0; i--) if (this.saved[i]?.threadId === threadId) this.saved.splice(i, 1);
  }
}
