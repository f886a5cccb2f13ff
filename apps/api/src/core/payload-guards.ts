import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  BadRequestError,
  jsonDepthExceeds,
  jsonTooDeepMessage,
  UnavailableError,
  type InFlightBudget,
} from '@app/common';

/** Seconds a client refused for lack of payload budget is told to wait (a large body takes about that). */
export const PAYLOAD_RETRY_AFTER_S = 1;

/**
 * The JSON body parser: Fastify's own (same 400 for empty or malformed JSON, same
 * prototype-poisoning refusal, same 413 and 415), preceded by a nesting-depth check on the raw
 * bytes, so no body deeper than `maxDepth` reaches the recursive code after parsing (validation,
 * class-transformer, serialisers), where it would throw RangeError. The V2 binary bodies' JSON
 * headers go through the same parse.
 */
export function installJsonBodyParser(app: NestFastifyApplication, maxDepth: number): CheckedJsonParser {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = checkedJsonParser(fastify, maxDepth);
  // Through Nest's own hook, so Nest registers no second JSON parser; per-route limits still win.
  app.useBodyParser('application/json', { bodyLimit: fastify.initialConfig.bodyLimit }, (request, body, done) =>
    parseJson(request as FastifyRequest, body, done),
  );
  return parseJson;
}

export type CheckedJsonParser = (
  request: FastifyRequest,
  json: Buffer,
  done: (error: Error | null, body?: unknown) => void,
) => void;

function checkedJsonParser(fastify: FastifyInstance, maxDepth: number): CheckedJsonParser {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (request, json, done) => {
    if (jsonDepthExceeds(json, maxDepth)) {
      done(new BadRequestError('BODY_TOO_DEEP', jsonTooDeepMessage(maxDepth)), undefined);
      return;
    }
    // Fastify's default parser is the callback kind: it reports through `done` and returns nothing.
    void parseJson(request, json.toString('utf8'), done);
  };
}

/**
 * Caps the large bodies read at once on the routes that take them (`/inference`, `/ingest`):
 * before the body is read, a request whose Content-Length is above `thresholdBytes` (or that has
 * none: a chunked body may be as large as the route's limit) claims its size from the shared
 * budget, and gets 503 with Retry-After when it does not fit. The claim is given back when the
 * response is finished or the connection is gone.
 */
export function limitLargeBodies(
  fastify: FastifyInstance,
  options: { budget: InFlightBudget; thresholdBytes: number; isLargeRoute: (url: string) => boolean },
): void {
  fastify.addHook('onRoute', (route) => {
    if (
      !options.isLargeRoute(route.url) ||
      !['POST', 'PUT', 'PATCH'].some((method) => [route.method].flat().includes(method))
    )
      return;
    const guard = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) =>
      claimBudget(request, reply, done, options);
    route.onRequest = [...[route.onRequest ?? []].flat(), guard];
  });
}

function claimBudget(
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
  options: { budget: InFlightBudget; thresholdBytes: number },
): void {
  const header = request.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && Number.isFinite(declared) && declared <= options.thresholdBytes) return done();
  const size =
    declared !== undefined && Number.isFinite(declared)
      ? declared
      : (request.routeOptions.bodyLimit ?? options.thresholdBytes);
  const release = options.budget.tryAcquire(size);
  if (!release) {
    // The body is never parsed: once the answer is sent, Node discards what is left of it.
    void reply.header('Retry-After', String(PAYLOAD_RETRY_AFTER_S));
    return done(new UnavailableError('SERVER_BUSY', 'Too many large requests in flight; retry shortly'));
  }
  reply.raw.once('close', release);
  done();
}
