import { startTracingIfConfigured } from './core/tracing.js';

// Tracing, when configured, hooks the module loader before the app's modules are imported.
await startTracingIfConfigured('ai-commerce-api');
await import('./start-api.js');
