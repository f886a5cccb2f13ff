/**
 * Money is integer cents in code and a two-place decimal string on the wire, so no float
 * arithmetic ever touches it.
 */
export function centsToDecimalString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** True for a number or numeric string with at most two decimals. */
export function isMoneyInput(value: unknown): value is string | number {
  if (typeof value === 'number') return Number.isFinite(value) && DECIMAL.test(String(value));
  return typeof value === 'string' && DECIMAL.test(value.trim());
}

/** Parses a decimal with at most two places (string or number) into exact integer cents. */
export function toCents(value: string | number): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`Not a money amount: ${text}`);
  const [, minus, whole, fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return minus ? -cents : cents;
}
