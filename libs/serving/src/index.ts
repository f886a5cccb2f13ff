// What an app composes from the serving lib; files deeper in are reached as `@app/serving/<path>`.
export { HealthModule } from './health/health.module.js';
export { HealthService } from './health/health.service.js';
export { InferenceModule } from './inference/inference.module.js';
export { JobsModule } from './inference/jobs/jobs.module.js';
export { MetricsModule } from './metrics/metrics.module.js';
export { MetricsService } from './metrics/metrics.service.js';
export { ModelsModule } from './models/models.module.js';
export { USER_REFERENCE } from './models/events/user-reference.entity.js';
export { SERVING_ENTITIES } from './serving-entities.js';
