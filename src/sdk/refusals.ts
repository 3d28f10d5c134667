import { refusalCode, refusalDetails } from './refusal-code.js';

/*
 * wflo refuses a call by answering it like the provider would, so the SDK in use throws its own
 * error class (an APIError). These classes recognise such errors with `instanceof`, whichever
 * SDK threw them, and `from(err)` reads wflo's facts about the refusal off them.
 */

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** `instanceof` for a refusal class: an instance of it, or any SDK's error carrying its refusal code. */
function isRefusal(type: abstract new (...args: never[]) => Error, code: string, value: unknown): boolean {
  return Function.prototype[Symbol.hasInstance].call(type, value) || refusalCode(value) === code;
}

/** An error of `type` itself, as is; else, when `err` carries `code`, the facts wflo attached to it. */
function refusalFacts<T extends Error>(type: abstract new (...args: never[]) => T, code: string, err: unknown): T | Record<string, unknown> | undefined {
  if (err instanceof Error && Object.getPrototypeOf(err) === type.prototype) return err as T;
  return refusalCode(err) === code ? refusalDetails(err) : undefined;
}

/** A call refused because it could have exceeded the run's budget, or its agent's (`agent` is then set). */
export class BudgetExceededError extends Error {
  readonly code = 'wflo_budget_exceeded';

  constructor(message: string, readonly agent: string | null, readonly spentUsd: number | null, readonly budgetUsd: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BudgetExceededError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isRefusal(BudgetExceededError, 'budget_exceeded', value);
  }

  /** The refusal's facts, when `err` is one; else undefined. */
  static from(err: unknown): BudgetExceededError | undefined {
    const d = refusalFacts(BudgetExceededError, 'budget_exceeded', err);
    return d === undefined || d instanceof Error ? d : new BudgetExceededError(messageOf(err), text(d.agent), num(d.spentUsd), num(d.budgetUsd), { cause: err });
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
    return isRefusal(LoopDetectedError, 'loop_detected', value);
  }

  static from(err: unknown): LoopDetectedError | undefined {
    const d = refusalFacts(LoopDetectedError, 'loop_detected', err);
    return d === undefined || d instanceof Error ? d : new LoopDetectedError(messageOf(err), text(d.pattern) ?? 'unknown', num(d.repeats) ?? 0, text(d.agent), { cause: err });
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
    return isRefusal(CircuitOpenError, 'circuit_open', value);
  }

  static from(err: unknown): CircuitOpenError | undefined {
    const d = refusalFacts(CircuitOpenError, 'circuit_open', err);
    if (d === undefined || d instanceof Error) return d;
    const at = text(d.retryAt);
    return new CircuitOpenError(messageOf(err), text(d.circuit) ?? 'unknown', at === null ? null : new Date(at), { cause: err });
  }
}
