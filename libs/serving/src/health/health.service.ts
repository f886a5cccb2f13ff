import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { UnavailableError } from '@app/common';
import { DatabaseHealthIndicator } from './database.health.js';
import { InferenceHealthIndicator } from './inference.health.js';
import type { Checks, ReadinessDto } from './health.dto.js';
import { RedisHealthIndicator } from './redis.health.js';

/** Runs every readiness check; any check down makes a 503 that names it. */
@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly inference: InferenceHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  async readiness(): Promise<ReadinessDto> {
    // The inference check is synchronous (it reads the runtime's state); the others ping their server.
    const [database, ...redis] = await Promise.all([
      this.database.check(),
      ...(this.redis.configured ? [this.redis.check()] : []),
    ]);
    const results: HealthIndicatorResult[] = [database, this.inference.check(), ...redis];
    const checks = Object.assign({}, ...results) as Checks;
    const down = Object.keys(checks).filter((name) => checks[name].status !== 'up');
    if (down.length > 0)
      throw new UnavailableError('SERVICE_NOT_READY', `Not ready: ${down.join(', ')}`, { status: 'error', checks });
    return { status: 'ok', checks };
  }
}
