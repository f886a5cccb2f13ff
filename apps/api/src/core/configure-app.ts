import { RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { createValidationPipe, requestIdMiddleware } from '@app/common';
import { AppConfig } from '../config/app-config.js';
import { AuthenticatedWsAdapter } from '../inference/stream/authenticated-ws.adapter.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { createRootLogger, httpLogger, PinoNestLogger } from './logging.js';
import { rateLimiters, redisRateLimitStore } from './rate-limit.js';
import { RedisConnection } from './redis.module.js';
import { setupSwagger } from './swagger.js';

export const API_PREFIX = 'api/v1';

/**
 * Everything that makes the HTTP surface follow the contract, in one place shared by main.ts
 * and the e2e tests, so the tests exercise exactly what runs in production.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  app.set('trust proxy', 'loopback');
  // The request id comes first so that even body-parser failures carry one.
  app.use(requestIdMiddleware);
  const logger = createRootLogger(config.logLevel);
  app.useLogger(new PinoNestLogger(logger));
  // One line per request at info and below; above that the per-request work is skipped entirely.
  if (['info', 'debug', 'trace'].includes(config.logLevel)) app.use(httpLogger(logger));
  app.use(app.get(MetricsService).httpMiddleware);
  app.use(helmet());
  // CORS only when origins are configured: browsers on other origins are refused by default.
  if (config.http.corsOrigins.length) app.enableCors({ origin: config.http.corsOrigins, credentials: true, exposedHeaders: ['X-Request-Id'] });
  // Inference bodies may carry image tensors and ingestion 10 000 readings: a larger limit.
  app.use([`/${API_PREFIX}/inference`, `/${API_PREFIX}/ingest`], express.json({ limit: config.http.inferenceBodyLimit }));
  app.use(express.json({ limit: config.http.bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: config.http.bodyLimit }));
  const redis = config.redis ? app.get(RedisConnection, { strict: false }) : undefined;
  const limits = rateLimiters(config.rateLimit, redis && redisRateLimitStore(redis.client, redis.prefix));
  app.use(`/${API_PREFIX}/auth/token`, limits.login);
  app.use(`/${API_PREFIX}`, limits.global);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useWebSocketAdapter(new AuthenticatedWsAdapter(app));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  setupSwagger(app);
}
