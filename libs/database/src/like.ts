import { Brackets } from 'typeorm';

/** The escape character for LIKE patterns; `!` behaves the same on SQLite and MySQL (a backslash does not). */
export const LIKE_ESCAPE = '!';

/** A case-insensitive "contains" pattern for `LOWER(column) LIKE :pattern ESCAPE '!'`. */
export function containsPattern(term: string): string {
  return `%${term.toLowerCase().replace(/[!%_]/g, (char) => `${LIKE_ESCAPE}${char}`)}%`;
}

/** `term` as a case-insensitive substring of any of `columns` (qualified names, e.g. `user.email`). */
export function containsInAny(columns: string[], term: string): Brackets {
  const pattern = containsPattern(term);
  return new Brackets((where) => {
    for (const column of columns) where.orWhere(`LOWER(${column}) LIKE :pattern ESCAPE '${LIKE_ESCAPE}'`, { pattern });
  });
}
