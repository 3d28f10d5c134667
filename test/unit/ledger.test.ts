import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';

describe('Ledger', () => {
  it('grants while spent + held + worst case fits the budget, exactly to the nano', () => {
    const ledger = new Ledger(1000);
    expect(ledger.reserve(1, 600)).toEqual({ granted: true });
    expect(ledger.reserve(2, 400)).toEqual({ granted: true });
    expect(ledger.reserve(3, 1)).toEqual({ granted: false, spent: 0, reserved: 1000, budget: 1000, worstCase: 1 });
    expect(ledger.settle(1, 250)).toBe(250);
    expect(ledger.spent).toBe(250);
    expect(ledger.reserved).toBe(400);
    expect(ledger.reserve(3, 350)).toEqual({ granted: true });
    expect(ledger.spent + ledger.reserved).toBe(1000);
  });

  it('charges a whole reservation when the outcome is unknown', () => {
    const ledger = new Ledger(1000);
    ledger.reserve(7, 300);
    expect(ledger.chargeReservation(7)).toBe(300);
    expect(ledger.spent).toBe(300);
    expect(ledger.reserved).toBe(0);
    expect(ledger.inFlight).toBe(0);
  });

  it('has no limit without a budget, and counts earlier spending', () => {
    const ledger = new Ledger(null, 5);
    expect(ledger.reserve(1, Number.MAX_SAFE_INTEGER / 2)).toEqual({ granted: true });
    expect(ledger.settle(1, 10)).toBe(10);
    expect(ledger.spent).toBe(15);
  });

  it('settling an unknown call holds nothing back', () => {
    const ledger = new Ledger(100);
    ledger.settle(42, 5);
    expect(ledger.reserved).toBe(0);
    expect(ledger.spent).toBe(5);
  });
});
