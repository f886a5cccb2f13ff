import { bearer, type TestApp } from './test-app.js';
import { waitFor } from './wait-for.js';

export interface AuthEventBody {
  id: number;
  type: string;
  actorId: number | null;
  subjectUserId: number | null;
  apiKeyId: number | null;
  address: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  at: string;
}

/**
 * The admin's view of the events matching `query` (GET /api/v1/auth/events), polled until `enough`
 * holds: events are written behind the request, so they appear within a flush (200 ms) or so.
 */
export function adminEvents(
  t: TestApp,
  query: Record<string, string | number>,
  enough: (items: AuthEventBody[]) => boolean = (items) => items.length > 0,
  timeoutMs = 10_000,
): Promise<AuthEventBody[]> {
  return waitFor(
    async () => {
      const response = await t.http().get('/api/v1/auth/events').query(query).set(bearer(t.adminToken)).expect(200);
      const items = response.body.items as AuthEventBody[];
      return enough(items) ? items : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Every stored event row as text, to scan for secrets that must never be there. */
export async function storedEventText(t: TestApp): Promise<string> {
  return JSON.stringify(await t.dataSource.query('SELECT * FROM auth_events'));
}
