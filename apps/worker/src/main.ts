import { startTracingIfConfigured } from '../../api/src/core/tracing.js';

// Tracing, when configured, hooks the module loader before the app's modules are imported.
await startTracingIfConfigured('ai-commerce-worker');
await import('./start-worker.js');
