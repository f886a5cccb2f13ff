import { Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '@app/common';
import { RedisConnection } from '@app/platform';

const PING_TIMEOUT_MS = 1000;

/**
 * Readiness of Redis, when REDIS_URL is set (the job queue and the shared rate limits live there):
 * a PING on the fail-fast connection, so a Redis that is down or silent answers `down` within a
 * second. Without REDIS_URL there is no such check.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Optional() private readonly redis?: RedisConnection,
  ) {}

  get configured(): boolean {
    return this.redis !== undefined;
  }

  async check() {
    const indicator = this.indicators.check('redis');
    try {
      await withTimeout(
        this.redis!.fastClient.ping(),
        PING_TIMEOUT_MS,
        `Redis ping timed out after ${PING_TIMEOUT_MS} ms`,
      );
      return indicator.up();
    } catch (error) {
      return indicator.down({
        message: error instanceof Error && /timed out/.test(error.message) ? error.message : 'Redis does not answer',
      });
    }
  }
}
