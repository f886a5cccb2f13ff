import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { withTimeout } from '@app/common';
import { poolStats } from '@app/database';

const PING_TIMEOUT_MS = 2000;

/** Readiness of the database: a ping, with the pool's in-use and idle connections. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check() {
    const indicator = this.indicators.check('database');
    try {
      await withTimeout(
        this.dataSource.query('SELECT 1'),
        PING_TIMEOUT_MS,
        `Database ping timed out after ${PING_TIMEOUT_MS} ms`,
      );
      return indicator.up({ pool: poolStats(this.dataSource) });
    } catch (error) {
      return indicator.down({
        message:
          error instanceof Error && /timed out/.test(error.message) ? error.message : 'The database does not answer',
        pool: poolStats(this.dataSource),
      });
    }
  }
}
