import { Logger, type FactoryProvider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { UnitOfWork } from './unit-of-work.js';

const logger = new Logger(UnitOfWork.name);

/** The one UnitOfWork of the app's DataSource; services inject `UnitOfWork`. */
export const unitOfWorkProvider: FactoryProvider<UnitOfWork> = {
  provide: UnitOfWork,
  inject: [getDataSourceToken()],
  useFactory: (dataSource: DataSource) =>
    new UnitOfWork(dataSource, {
      onRetry: (error, attempt) =>
        logger.warn(
          `Transaction retried after ${(error as { code?: string }).code ?? 'a retryable error'} (attempt ${attempt})`,
        ),
    }),
};
