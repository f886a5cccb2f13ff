export * from './errors.js';
export * from './backend.js';
export * from './artifacts.js';
export * from './loaded-model.js';
export * from './model-pool.js';
export * from './dynamic-batcher.js';
