import { refusalCode, refusalDetails } from './refusal-code.js';

/*
 * wflo refuses a call by answering it like the provider would, so the SDK in use throws its own
 * error class (an APIError). These classes recognise such errors with `instanceof`, whichever
 * SDK threw them, and `from(err)` reads wflo's facts about the refusal off them.
 */

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A call refused because it could have exceeded the run's budget, or its agent's (`agent` is then set). */
export class BudgetExceededError extends Error {
  readonly code = 'wflo_budget_exceeded';

  constructor(message: string, readonly agent: string | null, readonly spentUsd: number | null, readonly budgetUsd: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BudgetExceededError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, value) || refusalCode(value) === 'budget_exceeded';
  }

  /** The refusal's facts, when `err` is one; else undefined. */
  static from(err: unknown): BudgetExceededError | undefined {
    if (err instanceof Error && Object.getPrototypeOf(err) === BudgetExceededError.prototype) return err as BudgetExceededError;
    if (refusalCode(err) !== 'budget_exceeded') return undefined;
    const d = refusalDetails(err);
    return new BudgetExceededError(messageOf(err), text(d.agent), num(d.spentUsd), num(d.budgetUsd), { cause: err });
  }
}

/** A call refused because its agent is going round in circles (`--on-loop error`). */
export class LoopDetectedError extends Error {
  readonly code = 'wflo_loop_detected';

  constructor(message: string, readonly pattern: string, readonly repeats: number, readonly agent: string | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoopDetectedError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, value) || refusalCode(value) === 'loop_detected';
  }

  static from(err: unknown): LoopDetectedError | undefined {
    if (err instanceof Error && Object.getPrototypeOf(err) === LoopDetectedError.prototype) return err as LoopDetectedError;
    if (refusalCode(err) !== 'loop_detected') return undefined;
    const d = refusalDetails(err);
    return new LoopDetectedError(messageOf(err), text(d.pattern) ?? 'unknown', num(d.repeats) ?? 0, text(d.agent), { cause: err });
  }
}

/** A call refused without reaching the provider because its circuit is open (the provider or model is failing). */
export class CircuitOpenError extends Error {
  readonly code = 'wflo_circuit_open';

  constructor(message: string, readonly circuit: string, readonly retryAt: Date | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CircuitOpenError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, value) || refusalCode(value) === 'circuit_open';
  }

  static from(err: unknown): CircuitOpenError | undefined {
    if (err instanceof Error && Object.getPrototypeOf(err) === CircuitOpenError.prototype) return err as CircuitOpenError;
    if (refusalCode(err) !== 'circuit_open') return undefined;
    const d = refusalDetails(err);
    const at = text(d.retryAt);
    return new CircuitOpenError(messageOf(err), text(d.circuit) ?? 'unknown', at === null ? null : new Date(at), { cause: err });
  }
}
