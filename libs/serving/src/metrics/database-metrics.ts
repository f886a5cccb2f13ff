import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { poolStats } from '@app/database';
import { MetricsService } from './metrics.service.js';

/** Publishes the database pool's use at scrape time. */
@Injectable()
export class DatabaseMetrics implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(() => {
      const pool = poolStats(this.dataSource);
      this.metrics.dbPoolInUse.set(pool.inUse);
      this.metrics.dbPoolIdle.set(pool.idle);
    });
  }
}
