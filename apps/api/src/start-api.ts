import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { AppConfig } from '@app/config';
import { configureApp } from './core/configure-app.js';
import { installGracefulShutdown, installProcessSafetyNet, openWebSocketsOf } from '@app/platform';
import { createHttpAdapter } from './core/http-adapter.js';

async function bootstrap(): Promise<void> {
  installProcessSafetyNet();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(), createHttpAdapter(), {
    bufferLogs: true,
  });
  await configureApp(app);
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  installGracefulShutdown(app, app.getHttpServer(), {
    deadlineMs: config.shutdownTimeoutMs,
    webSockets: openWebSocketsOf(app),
  });
  Logger.log(`Listening on http://${config.host}:${config.port} (docs at /docs)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  // A configuration error is the common case here; its message names the variable.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
