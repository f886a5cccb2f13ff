export * from './graceful-shutdown.js';
export * from './logging.js';
export * from './open-websockets.js';
export * from './process-safety-net.js';
export * from './tracing.js';
export * from './redis.module.js';
export * from './access-log.js';
