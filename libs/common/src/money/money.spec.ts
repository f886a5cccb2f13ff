import { describe, expect, it } from '@jest/globals';
import { centsToDecimalString, isMoneyInput, toCents } from './money.js';

describe('money', () => {
  it('parses numbers and strings with at most two places into exact cents', () => {
    expect(toCents('79.99')).toBe(7999);
    expect(toCents(79.99)).toBe(7999);
    expect(toCents('0.1')).toBe(10);
    expect(toCents(0.1)).toBe(10);
    expect(toCents('12')).toBe(1200);
    expect(toCents('-3.05')).toBe(-305);
    expect(() => toCents('1.999')).toThrow();
  });

  it('formats cents with exactly two places', () => {
    expect(centsToDecimalString(7999)).toBe('79.99');
    expect(centsToDecimalString(5)).toBe('0.05');
    expect(centsToDecimalString(-120)).toBe('-1.20');
    expect(centsToDecimalString(0)).toBe('0.00');
  });

  it('accepts only decimals with at most two places', () => {
    expect(isMoneyInput('1.23')).toBe(true);
    expect(isMoneyInput(1.23)).toBe(true);
    expect(isMoneyInput(1.234)).toBe(false);
    expect(isMoneyInput('1e3')).toBe(false);
    expect(isMoneyInput(Number.NaN)).toBe(false);
    expect(isMoneyInput('abc')).toBe(false);
  });
});
