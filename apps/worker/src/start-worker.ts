import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { validateEnvironment } from '@app/config';
import { createRootLogger, installGracefulShutdown, installProcessSafetyNet, PinoNestLogger } from '@app/platform';
import { WorkerModule } from './worker.module.js';

async function bootstrap(): Promise<void> {
  installProcessSafetyNet();
  const env = validateEnvironment(process.env, { quiet: true });
  if (!env.REDIS_URL)
    throw new Error('REDIS_URL: the worker app needs Redis (without it, jobs run inside the API process)');
  const app = await NestFactory.createApplicationContext(WorkerModule.register(env.REDIS_URL), { bufferLogs: true });
  app.useLogger(new PinoNestLogger(createRootLogger(env.LOG_LEVEL)));
  installGracefulShutdown(app, undefined, { deadlineMs: env.SHUTDOWN_TIMEOUT_MS });
  Logger.log('Worker started: consuming the inference-jobs queue', 'Worker');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
