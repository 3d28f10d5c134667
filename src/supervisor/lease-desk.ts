import type { Ledger } from '../ledger/ledger.js';
import type { ModelRates } from '../pricing/rates.js';
import type { LeaseMessage, ModelTerms, RecallMessage } from '../protocol/messages.js';

/**
 * Each process that calls gets this share of the free money at most, over twice the number
 * of such processes: enough for many calls without asking, and half stays free for the rest.
 */
const SHARE_DIVISOR = 2;

export interface LeaseDeskOptions {
  ledger: Ledger;
  /** Sends a message to a hook (after the batch that decided it commits). */
  post: (connection: number, message: LeaseMessage | RecallMessage) => void;
  /** Agents whose calls are always asked for: they have a budget or burn-rate limits of their own. */
  central: string[];
  /** True while every call must be asked for (guards not calm, replay pending, the run stopping). */
  paused: () => boolean;
}

/** What one process was told: the models it may price, whether it is paused, and whether a recall is out. */
interface Holder { models: Set<string>; pending: ModelTerms[]; paused: boolean; recalling: boolean; unlimited: boolean }

/**
 * Lends processes money to grant their own calls (leasing), so a call that fits needs no round
 * trip. A process becomes a borrower once it made a call the supervisor granted (it then knows
 * that model's price). Loans are topped up ahead of need, and recalled whole as soon as a call
 * waits for money or a guard needs to see calls before they go: the budget's guarantee holds
 * across processes because a loan is held in the ledger like a call in flight.
 */
export class LeaseDesk {
  private readonly holders = new Map<number, Holder>();

  constructor(private readonly o: LeaseDeskOptions) {}

  /** The supervisor granted this process a call of `rates`' model: it may price that model itself from now on. */
  learned(connection: number, rates: ModelRates): void {
    let holder = this.holders.get(connection);
    if (!holder) { holder = { models: new Set(), pending: [], paused: true, recalling: false, unlimited: false }; this.holders.set(connection, holder); }
    const key = `${rates.provider}\u0000${rates.model}`;
    if (holder.models.has(key)) return;
    holder.models.add(key);
    holder.pending.push({ provider: rates.provider, model: rates.model, rates });
  }

  /** A process gave back its unused loan. */
  returned(connection: number, amount: number): void {
    this.o.ledger.repay(connection, amount);
    const holder = this.holders.get(connection);
    if (holder) holder.recalling = false;
  }

  /** A process is gone: whatever it had not drawn is free again (its calls were read before this). */
  closed(connection: number): void {
    this.o.ledger.repay(connection, this.o.ledger.loanOf(connection));
    this.holders.delete(connection);
  }

  /** After each batch of messages: recalls loans when money or guards need every call asked for, else tops them up. */
  review(): void {
    const { ledger } = this.o;
    const paused = this.o.paused();
    const tight = ledger.waiting > 0;
    for (const [connection, holder] of this.holders) {
      if (holder.recalling) continue;
      if ((paused || tight) && ledger.loanOf(connection) > 0) {
        // The hook stops granting on a recall, until its next lease.
        holder.recalling = true;
        holder.paused = true;
        this.o.post(connection, { type: 'recall', rid: 0 });
        continue;
      }
      const stopped = paused || tight;
      const add = stopped ? 0 : this.topUp(connection, holder);
      if (add === 0 && holder.pending.length === 0 && holder.paused === stopped) continue;
      holder.paused = stopped;
      if (add === null) holder.unlimited = true;
      this.o.post(connection, { type: 'lease', rid: 0, add, models: holder.pending.splice(0), central: this.o.central, paused: stopped });
    }
  }

  /** Credit to add for a process: null for no limit (no run budget; said once), else what brings its loan up to its share when below half of it. */
  private topUp(connection: number, holder: Holder): number | null {
    const { ledger } = this.o;
    const budget = ledger.budgetNano;
    if (budget === null) return holder.unlimited ? 0 : null;
    const free = budget - ledger.spent - (ledger.reserved - ledger.lent);
    const share = Math.floor(free / (SHARE_DIVISOR * this.holders.size));
    const loan = ledger.loanOf(connection);
    return loan * 2 < share ? ledger.lend(connection, share - loan) : 0;
  }
}
