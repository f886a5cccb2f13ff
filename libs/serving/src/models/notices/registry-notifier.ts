import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { withTimeout } from '@app/common';
import { RedisConnection } from '@app/platform';
import { registryNoticeChannel, type RegistryNotice } from './registry-notice.js';
import { RegistryNoticeMetrics } from './registry-notice.metrics.js';

/** A notice Redis has not taken by then is given up (logged, counted); the periodic sync covers it. */
const PUBLISH_TIMEOUT_MS = 1000;

/**
 * Announces registry changes to every process over Redis pub/sub (REDIS_URL); without Redis, a
 * no-op. Fire-and-forget: `announce` returns at once and never throws, and the publish goes over the
 * fail-fast connection with a bound, so a Redis outage neither fails nor slows a registry action.
 */
@Injectable()
export class RegistryNotifier {
  private readonly logger = new Logger(RegistryNotifier.name);
  /** Tells this process's own notices apart when they come back through the subscription. */
  readonly origin = randomUUID();

  constructor(
    private readonly metrics: RegistryNoticeMetrics,
    @Optional() private readonly redis?: RedisConnection,
  ) {}

  announce(change: Omit<RegistryNotice, 'origin'>): void {
    if (!this.redis) return;
    const notice: RegistryNotice = { ...change, origin: this.origin };
    const channel = registryNoticeChannel(this.redis.prefix);
    const client = this.redis.fastClient;
    // The fail-fast connection refuses commands until it is first connected (a change at boot,
    // e.g. a shipped model registered): wait for that within the same bound.
    const connected = client.status === 'ready' ? Promise.resolve() : once(client, 'ready').then(() => undefined);
    const published = connected.then(() => client.publish(channel, JSON.stringify(notice)));
    withTimeout(published, PUBLISH_TIMEOUT_MS, `no answer within ${PUBLISH_TIMEOUT_MS} ms`).then(
      () => this.metrics.sent.inc({ outcome: 'ok' }),
      (error: unknown) => {
        this.metrics.sent.inc({ outcome: 'failed' });
        this.logger.warn(
          `Could not announce the ${change.action} of ${change.model}@${change.version}; ` +
            `other processes pick it up at their next registry sync: ${(error as Error).message}`,
        );
      },
    );
  }
}
