/** Lower-case letters and digits joined by single hyphens, e.g. `home-garden`. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A URL slug from a name: accents dropped, anything else than letters and digits becomes a hyphen. */
export function slugify(name: string, maxLength = 120): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}
