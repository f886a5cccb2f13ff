/** The escape character for LIKE patterns; `!` behaves the same on SQLite and MySQL (a backslash does not). */
export const LIKE_ESCAPE = '!';

/** A case-insensitive "contains" pattern for `LOWER(column) LIKE :pattern ESCAPE '!'`. */
export function containsPattern(term: string): string {
  return `%${term.toLowerCase().replace(/[!%_]/g, (char) => `${LIKE_ESCAPE}${char}`)}%`;
}
