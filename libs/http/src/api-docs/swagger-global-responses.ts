import type { OpenAPIObject } from '@nestjs/swagger';

type Responses = Record<string, unknown>;
const ERROR_BODY = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } } } };

/**
 * Statuses that come from the app-wide hooks rather than from a route, added to every operation
 * they apply to (without replacing what a route documents itself), so the document lists every
 * status a route can answer:
 * - a body can be malformed (400), over the body limit (413) or of a media type the route does not
 *   read (415) on every operation that takes one;
 * - every /api/v1 route shares the per-client rate limit (429), and reaches the database for its
 *   caller or its data, which answers 503 while the database is unreachable;
 * - every operation that takes credentials can meet an API key without the scope it needs (403);
 * - an unexpected failure is a 500 carrying the request id, on any route.
 */
export function addGlobalResponses(document: OpenAPIObject, apiPrefix: string): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(
      item as Record<string, { responses?: Responses; requestBody?: unknown; security?: unknown[] }>,
    )) {
      if (!operation || typeof operation !== 'object' || !operation.responses) continue;
      const add = (status: number, description: string) =>
        (operation.responses![String(status)] ??= { description, ...ERROR_BODY });
      if (operation.requestBody) {
        add(400, 'Invalid input (validation details per field)');
        add(413, 'Body larger than the limit');
        add(415, 'Unsupported media type');
      }
      if (operation.security?.length)
        add(403, "Not allowed: the role, or the API key's scopes, do not cover this operation");
      if (path.startsWith(`${apiPrefix}/`)) {
        add(429, 'Rate limited');
        add(503, 'A dependency is unavailable');
      }
      add(500, 'Unexpected error (the body carries the request id)');
    }
  }
}
