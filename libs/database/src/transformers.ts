import type { ValueTransformer } from 'typeorm';
import { centsToDecimalString, toCents } from '@app/common';

/**
 * DECIMAL(10,2) comes back as a string from mysql2 and as a number from SQLite; in code money is
 * integer cents on both engines.
 */
export const centsTransformer: ValueTransformer = {
  to: (cents: number | null | undefined) =>
    cents === null || cents === undefined ? cents : centsToDecimalString(cents),
  from: (value: string | number | null) =>
    value === null || value === undefined ? null : toCents(typeof value === 'number' ? value.toFixed(2) : value),
};
