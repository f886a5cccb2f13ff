import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

type Json = Record<string, any>;

/** What a client can send where a JSON object is expected; undefined is no body at all. */
const NOT_OBJECTS: { label: string; raw?: string }[] = [
  { label: '[]', raw: '[]' },
  { label: '5', raw: '5' },
  { label: 'null', raw: 'null' },
  { label: 'true', raw: 'true' },
  { label: '"text"', raw: '"text"' },
  { label: 'no body' },
];

/** A value for each path parameter the document names: a digit id, or a name a route accepts. */
const PARAMETER_VALUES: Record<string, string> = {
  name: 'sensor-anomaly',
  version: '1.0.0',
  model_name: 'sensor-anomaly',
};
/** Whether a body schema admits a JSON array at its top (a batch route). */
const acceptsArray = (schema: Json): boolean =>
  schema.type === 'array' || [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].some((one: Json) => acceptsArray(one));
const parameterValue = (name: string) => PARAMETER_VALUES[name] ?? (/id$/i.test(name) ? '1' : 'x');

/**
 * Before the fix of issue 20 the bundle answered 500 to every one of these (Nest's lazily loaded
 * class-transformer is broken inside the esbuild bundle), while the in-process suite passed.
 * Every operation the shipped app documents with a JSON request body, read from its own
 * /docs-json (a new route is covered without a new test), answers a body that is not a JSON object
 * or no body at all with a 400 in the route's error shape, and the database is unchanged after.
 */
describe('non-object and missing bodies on every JSON-body operation', () => {
  let t: TestApp;
  let operations: { method: string; path: string; takesArray: boolean }[];

  const tableCounts = async () => {
    const tables = await t.dataSource.query<{ name: string }[]>(
      t.dataSource.options.type === 'better-sqlite3'
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await t.dataSource.query<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM ${name}`);
      counts[name] = Number(row.n);
    }
    return counts;
  };

  beforeAll(async () => {
    t = await createTestApp();
    const document = (await t.http().get('/docs-json').expect(200)).body as Json;
    operations = Object.entries(document.paths as Record<string, Json>).flatMap(([template, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.requestBody?.content?.['application/json'])
        .map(([method, operation]) => ({
          method,
          path: template.replace(/\{([^}]+)\}/g, (_, name: string) => parameterValue(name)),
          takesArray: acceptsArray(operation.requestBody.content['application/json'].schema as Json),
        })),
    );
  });
  afterAll(() => t.close());

  it('finds the operations to try in the document', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations).toContainEqual({ method: 'post', path: '/api/v1/auth/register', takesArray: false });
  });

  it('answers each with 400 in the error shape and changes nothing', async () => {
    const before = await tableCounts();
    const failures: string[] = [];
    for (const { method, path, takesArray } of operations) {
      for (const { label, raw } of NOT_OBJECTS) {
        // A route whose body is a batch (an array) reads [] as an empty batch: a 400 of its own code.
        const code = takesArray && label === '[]' ? 'BATCH_SIZE_OUT_OF_RANGE' : 'VALIDATION_FAILED';
        let call = t.http()[method as 'post'](path).set(bearer(t.adminToken));
        if (raw !== undefined) call = call.set('Content-Type', 'application/json').send(raw);
        const response = await call;
        const body = response.body as Json;
        const shaped = path.startsWith('/v2/') ? typeof body.error === 'string' : body.code === code;
        if (response.status !== 400 || !shaped) {
          failures.push(
            `${method.toUpperCase()} ${path} with ${label}: ${response.status} ${response.text.slice(0, 200)}`,
          );
        } else if (!path.startsWith('/v2/')) {
          expectErrorShape(body, 400);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });
});
