/**
 * Money aggregates in SQL as whole cents: `SUM(ROUND(price * 100))` is exact on both engines,
 * where SQLite's SUM over DECIMAL would add floating-point values.
 */
export const centsOf = (column: string): string => `ROUND(${column} * 100)`;

/** An aggregate as the driver returns it (number, numeric string or NULL) as an integer, or null. */
export function integerOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value));
}
