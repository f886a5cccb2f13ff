/**
 * The `:id` route segment, digits only (a find-my-way regex parameter). A segment that is not a
 * number never reaches an `:id` route, so a static sibling (`/products/stats`, `/orders/stats`)
 * can never be taken for an id, whichever module registers its routes first; a non-digit id is a
 * 404 (no such route) in the contract's error shape. Swagger drops the `(^…)` part: the document
 * shows `{id}`.
 */
export const ID = ':id(^\\d+$)';

/**
 * A route's path as people write it (`/products/:id`), its parameters' regular expressions dropped: for metric labels.
 */
export function routeTemplate(path: string): string {
  return path.replace(/\(\^[^)]*\)/g, '');
}
