export * from './database-url.js';
export * from './data-source-options.js';
export * from './db-errors.js';
export * from './transformers.js';
export * from './portable-columns.js';
export * from './like.js';
export * from './pool-stats.js';
export * from './bulk-insert.js';
