import { Injectable } from '@nestjs/common';
import { InFlightBudget } from '@app/common';
import { AppConfig } from './app-config.js';

/**
 * The process's one budget for large payloads in flight: inference/ingest HTTP bodies above
 * LARGE_BODY_THRESHOLD (claimed by content length before the body is read, configure-app.ts) and
 * stream frames (claimed as each arrives, the stream gateway). Shared, so neither path can use
 * the heap the other was promised.
 */
@Injectable()
export class PayloadBudget extends InFlightBudget {
  constructor(config: AppConfig) {
    super(config.http.largeBodyBudgetBytes);
  }
}
