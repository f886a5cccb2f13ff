import fastifyRateLimit from '@fastify/rate-limit';
import { Logger, RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import bytes from 'bytes';
import { createValidationPipe } from '@app/common';
import { CredentialsService } from '../auth/credentials.service.js';
import { AppConfig, PayloadBudget } from '@app/config';
import { AuthenticatedWsAdapter } from '../auth/ws/authenticated-ws.adapter.js';
import { MetricsService } from '@app/serving/metrics/metrics.service.js';
import { isV2InferRoute, OIP_PREFIX, OIP_ROUTES } from '../oip/oip.module.js';
import { installV2BinaryBodyParser } from '../oip/v2-binary-body.js';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { configureCors } from './cors.js';
import { displayTitle, readPackageInfo } from '../home/package-info.js';
import { installJsonBodyParser, limitLargeBodies } from './payload-guards.js';
import { installSaturationShedding } from './saturation-shedding.js';
import { installEarlyRefusal } from './early-refusal.js';
import { createRootLogger, AccessLog, openWebSocketsOf, PinoNestLogger, RedisConnection } from '@app/platform';
import {
  accountName,
  isLoginRoute,
  loginAccountLimit,
  loginRefusal,
  rateLimitPlugin,
  routeRateLimit,
  type StoreOption,
  type TokenSubject,
} from './rate-limit.js';
import { boundedRedisStore, throttledReporter } from './rate-limit-store.js';
import { setupSwagger } from '@app/http/api-docs/swagger.js';
import { AuthEventsService } from '../auth-events/auth-events.service.js';
import { originOf } from '../auth-events/request-origin.js';

export const API_PREFIX = 'api/v1';
const NOT_LOGGED = new Set(['/health', '/metrics']);
/** Routes whose bodies may be large: image tensors on /inference, 10 000 readings on /ingest. */
/** Inference (ours and V2's model routes) and ingestion: the larger body limit and the payload budget. */
const isLargeBodyRoute = (url: string) =>
  url.startsWith(`/${API_PREFIX}/inference`) ||
  url.startsWith(`/${API_PREFIX}/ingest`) ||
  url.startsWith(`${OIP_PREFIX}/models/`);

/**
 * Everything that makes the HTTP surface follow the contract, in one place shared by main.ts
 * and the e2e tests, so the tests exercise exactly what runs in production. Call before init().
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  const logger = createRootLogger(config.logLevel);
  app.useLogger(new PinoNestLogger(logger));
  const metrics = app.get(MetricsService);
  const authEvents = app.get(AuthEventsService, { strict: false });
  // One line per answer; refusals under load (503 with Retry-After) folded to one line a second.
  const accessLog = new AccessLog(logger);

  // Every response, errors and 404s included, carries the request id (made by createHttpAdapter).
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    // Both login limits (per address, before the body is read; per account, after) answer 429 here.
    if (reply.statusCode === 429 && isLoginRoute(request.routeOptions.url ?? '', `/${API_PREFIX}`))
      authEvents.loginRateLimited(originOf(request), accountName(request.body));
    if (!NOT_LOGGED.has(request.url))
      accessLog.completed(
        {
          id: request.id,
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          responseTimeMs: reply.elapsedTime,
        },
        reply.hasHeader('retry-after'),
      );
    done();
  });
  fastify.addHook('onClose', (_instance, done) => {
    accessLog.flush();
    done();
  });

  // Model calls a full or slow queue would refuse are refused before their bodies are read; when the
  // HTTP thread itself is saturated, before rate limiting and auth too (503, Retry-After).
  const isPredict = (url: string) => url === `/${API_PREFIX}/inference/:name/predict`;
  installEarlyRefusal(app, { isPredict, isV2Infer: isV2InferRoute });
  installSaturationShedding(fastify, {
    maxLoopDelayMs: config.inference.shedLoopDelayMs,
    isModelRoute: (url) => isPredict(url) || isV2InferRoute(url),
    onShed: () => metrics.inferenceSaturationShed.inc(),
  });

  // Per-route settings, fixed as each route is registered (this hook runs before the rate limiter's).
  const bodyLimit = bytes.parse(config.http.bodyLimit)!;
  const inferenceBodyLimit = bytes.parse(config.http.inferenceBodyLimit)!;
  fastify.addHook('onRoute', (route) => {
    // Inference bodies may carry image tensors and ingestion 10 000 readings: a larger limit.
    const large = isLargeBodyRoute(route.url);
    route.bodyLimit ??= large ? inferenceBodyLimit : bodyLimit;
    const rateLimit = routeRateLimit(route.url, `/${API_PREFIX}`, config.rateLimit);
    if (rateLimit !== undefined) route.config = { ...route.config, rateLimit };
    // Login is also limited per account name, read from the parsed body (so after parsing).
    if (isLoginRoute(route.url, `/${API_PREFIX}`))
      route.preHandler = [...[route.preHandler ?? []].flat(), limitLoginAccount];
  });
  const limitLoginAccount = async (request: FastifyRequest) => {
    if (accountName(request.body) === undefined) return;
    const verdict = await accountLimiter(request);
    if (!verdict.isAllowed && verdict.isExceeded) throw loginRefusal();
  };

  // JSON bodies are refused past JSON_MAX_DEPTH; large inference/ingest bodies share a budget.
  const parseJson = installJsonBodyParser(app, config.http.jsonMaxDepth);
  // V2 infer bodies may also come as a JSON header followed by raw tensor bytes (binary extension).
  installV2BinaryBodyParser(fastify, parseJson, isV2InferRoute);
  limitLargeBodies(fastify, {
    budget: app.get(PayloadBudget),
    thresholdBytes: config.http.largeBodyThresholdBytes,
    isLargeRoute: isLargeBodyRoute,
  });

  // Helmet's default headers, written by Nest's own hook.
  app.useSecurityHeaders();
  // CORS only for the configured origins: browsers on other origins are refused.
  configureCors(app, config.http);
  await app.register(
    fastifyRateLimit,
    rateLimitPlugin(
      config.rateLimit,
      rateLimitSubject(app.get(CredentialsService, { strict: false })),
      rateLimitStore(app, config, metrics),
    ),
  );
  const accountLimiter = fastify.createRateLimit(loginAccountLimit(config.rateLimit));

  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: '/', method: RequestMethod.GET },
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      ...OIP_ROUTES,
    ],
  });
  app.useWebSocketAdapter(openWebSocketsOf(app).track(new AuthenticatedWsAdapter(app)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  const { name, version } = readPackageInfo();
  setupSwagger(app, `/${API_PREFIX}`, { title: displayTitle(name), version });
}

/** The rate limiter's view of a credential; a JWT's verification is kept on the request for the auth guard. */
function rateLimitSubject(credentials: CredentialsService): TokenSubject {
  return (token, request) => credentials.subjectOf(token, request);
}

/** In memory without Redis; with it, the shared store, bounded and failing open (logged, counted). */
function rateLimitStore(app: NestFastifyApplication, config: AppConfig, metrics: MetricsService): StoreOption {
  if (!config.redis) return {};
  const redis = app.get(RedisConnection, { strict: false });
  const logger = new Logger('RateLimit');
  const report = throttledReporter(
    (message) => logger.warn(message),
    () => metrics.rateLimitStoreErrors.inc(),
  );
  return { store: boundedRedisStore(redis.fastClient, `${redis.prefix}:rl:`, config.rateLimit.storeTimeoutMs, report) };
}
