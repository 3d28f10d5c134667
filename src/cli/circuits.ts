import chalk from 'chalk';
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { circuitJson, shownCircuit } from '../json/guard-json.js';
import { GuardStore } from '../store/guard-store.js';
import { asStoreError } from '../store/store-failure.js';
import type { CircuitRecord } from '../store/types.js';
import type { CliContext } from './context.js';
import { openExistingStore } from './run-lookup.js';

export interface CircuitsFlags { json?: boolean; db?: string }

function inTime(at: number, now: number): string {
  const s = Math.max(0, Math.round((at - now) / 1000));
  return s < 60 ? `in ${s}s` : `in ${Math.floor(s / 60)}m${s % 60}s`;
}

const COLOR: Record<CircuitRecord['state'], (s: string) => string> = { open: chalk.red, 'half-open': chalk.yellow, closed: chalk.green };

function withStore<T>(ctx: CliContext, dbFlag: string | undefined, work: (store: GuardStore) => T): T {
  const { db, path } = openExistingStore(ctx, dbFlag);
  try {
    return work(new GuardStore(db));
  } catch (err) {
    throw asStoreError(path, err);
  } finally {
    db.close();
  }
}

/** `wflo circuits`: every stored breaker (provider:model circuits, agent burn-rate breakers) and its state now. */
export function circuitsCommand(flags: CircuitsFlags, ctx: CliContext): number {
  const circuits = withStore(ctx, flags.db, (store) => store.circuits());
  const now = ctx.clock();
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify(circuits.map((c) => circuitJson(c, now)), null, 2)}\n`);
    return 0;
  }
  if (circuits.length === 0) { ctx.stdout.write('no circuits recorded yet\n'); return 0; }
  const table = new Table({ head: ['circuit', 'kind', 'state', 'probe', 'last error', 'run', 'updated'], style: { head: ['bold'] } });
  for (const c of circuits) {
    const { state, due } = shownCircuit(c, now);
    const probe = due ? 'due at the next call' : c.state === 'open' && c.retryAt !== null ? `${new Date(c.retryAt).toISOString()} (${inTime(c.retryAt, now)})` : '—';
    table.push([c.name, c.kind, COLOR[state](state), probe, c.lastError ?? '—', c.runId ?? '—', new Date(c.updatedAt).toISOString()]);
  }
  ctx.stdout.write(`${table.toString()}\n`);
  return 0;
}

/** `wflo circuits reset <name>`: closes a breaker; the next call goes through. */
export function resetCircuitCommand(name: string, flags: CircuitsFlags, ctx: CliContext): number {
  const known = withStore(ctx, flags.db, (store) => (store.resetCircuit(name) ? null : store.circuits().map((c) => c.name)));
  if (known !== null) {
    throw new UsageError(`no circuit named "${name}"${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (none is recorded)'}`);
  }
  ctx.stdout.write(`circuit ${name} reset: closed\n`);
  return 0;
}
