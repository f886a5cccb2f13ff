import type { Server } from 'node:http';
import request from 'supertest';
import { OpenApiResponseValidator } from './openapi-response-validator.js';

type Agent = ReturnType<typeof request>;
type Test = ReturnType<Agent['get']>;
type AssertFn = (
  error: Error | null,
  response: ResponseLike | undefined,
  done?: (error: Error | null, response: unknown) => void,
) => void;
interface ResponseLike {
  status: number;
  text?: string;
  headers: Record<string, string | undefined>;
}

export interface ValidationOptions {
  /**
   * A 5xx fails the request unless the test says it expects one (a dependency cut on purpose, a
   * deadline passed): `t.http({ serverErrors: 'expected' })`, or `.expect(503)` on the request itself.
   * Documented or not, a server error the test did not ask for is a bug.
   */
  serverErrors?: 'expected';
}

/** The failure for an unexpected 5xx, or undefined. */
export function unexpectedServerError(
  method: string,
  url: string,
  status: number,
  text: string,
  options: ValidationOptions = {},
): string | undefined {
  if (status < 500 || options.serverErrors === 'expected') return undefined;
  return (
    `${method.toUpperCase()} ${url} answered ${status}, and this test did not say it expects a server error ` +
    `(pass { serverErrors: 'expected' } if it does)\n  body: ${text.slice(0, 600)}`
  );
}

/** One document per target (a base URL or a server), loaded at its first answer. */
const loaded = new Map<string | Server, Promise<OpenApiResponseValidator>>();

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/** Fetches the document the app serves, once per target. */
export async function loadValidator(baseUrlOrServer: string | Server): Promise<OpenApiResponseValidator> {
  const response = await request(baseUrlOrServer).get('/docs-json');
  if (response.status !== 200)
    throw new Error(`GET /docs-json at ${String(baseUrlOrServer)} answered ${response.status}`);
  return new OpenApiResponseValidator(response.body as Record<string, unknown>);
}

/**
 * supertest's `request(target)`, except every answer is checked against the app's live
 * /docs-json after the test's own expectations ran: a mismatch fails the request like a failed
 * `.expect()`, with the operation, the status and ajv's errors in the message. The check reads the
 * bytes the client received (`res.text`), so it sees exactly what a client sees.
 */
export function validatedRequest(
  target: string | Server,
  validator?: OpenApiResponseValidator,
  options: ValidationOptions = {},
): Agent {
  let loading = validator ? Promise.resolve(validator) : loaded.get(target);
  const agent = request(target);
  const wrapped = { ...agent } as Agent;
  for (const method of METHODS) {
    wrapped[method] = (url: string) => {
      const test = agent[method](url) as Test & { assert: AssertFn };
      const assert = test.assert.bind(test);
      // `.expect(503)` is the test asking for that server error: it declares it as the option would.
      let asked: ValidationOptions = options;
      const expectStatus = test.expect.bind(test) as (...args: unknown[]) => typeof test;
      test.expect = ((...args: unknown[]) => {
        if (typeof args[0] === 'number' && args[0] >= 500) asked = { ...options, serverErrors: 'expected' };
        return expectStatus(...args);
      }) as typeof test.expect;
      test.assert = (error, response, done) =>
        assert(error, response, (ownError, result) => {
          if (ownError || !response || !done) return done?.(ownError, result);
          const serverError = unexpectedServerError(method, url, response.status, response.text ?? '', asked);
          if (serverError) return done(new Error(serverError), result);
          if (!loading) loaded.set(target, (loading = loadValidator(target)));
          loading.then(
            (loaded) => {
              const mismatch = loaded.check({
                method,
                url,
                status: response.status,
                contentType: response.headers['content-type'],
                text: response.text ?? '',
                headers: response.headers,
              });
              done(mismatch ? new Error(mismatch) : null, result);
            },
            (loadError: Error) => done(loadError, result),
          );
        });
      return test;
    };
  }
  // `delete` is the arrow function set above: no `this` to lose.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  wrapped.del = wrapped.delete;
  return wrapped;
}

/**
 * A `fetch` that checks each answer like validatedRequest does (the document, and no unexpected 5xx),
 * for clients written against fetch (the typed-client flow). It reads a clone, so the caller still
 * gets the whole body; mismatches are collected in `failures`.
 */
export function validatingFetch(
  validator: OpenApiResponseValidator,
  failures: string[],
  plainFetch: typeof fetch = fetch,
  options: ValidationOptions = {},
): typeof fetch {
  return async (input, init) => {
    const response = await plainFetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const text = await response.clone().text();
    const contentType = response.headers.get('content-type') ?? undefined;
    const mismatch =
      unexpectedServerError(method, url, response.status, text, options) ??
      validator.check({
        method,
        url,
        status: response.status,
        contentType,
        text,
        headers: Object.fromEntries(response.headers.entries()),
      });
    if (mismatch) failures.push(mismatch);
    return response;
  };
}

const byOrigin = new Map<string, Promise<OpenApiResponseValidator>>();

/**
 * `fetch` for tests that talk to real app processes: each answer is checked against the document
 * its server serves (loaded once per origin), and a mismatch or an unexpected 5xx rejects with the
 * validator's message.
 */
export function checkedFetchWith(options: ValidationOptions = {}): typeof fetch {
  return async (input, init) => {
    const { origin } = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    let loading = byOrigin.get(origin);
    if (!loading) byOrigin.set(origin, (loading = loadValidator(origin)));
    const failures: string[] = [];
    const response = await validatingFetch(await loading, failures, fetch, options)(input, init);
    if (failures.length > 0) throw new Error(failures.join('\n'));
    return response;
  };
}

export const checkedFetch: typeof fetch = checkedFetchWith();
