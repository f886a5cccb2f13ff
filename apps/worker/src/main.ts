// Decorator metadata first: in the bundle (scripts/bundle.ts) the app's shared chunks run their
// decorators as they load, before the app module's own `import 'reflect-metadata'` would.
import 'reflect-metadata';
import { enableCompileCacheWhereSupported } from '@app/platform/compile-cache';
import { applyHeapGrowingPercent } from '@app/platform/heap-growth';
import { startTracingIfConfigured } from '@app/platform/tracing';

enableCompileCacheWhereSupported();
applyHeapGrowingPercent();
// Tracing, when configured, hooks the module loader before the app's modules are imported (hence
// its own entry, @app/platform/tracing, which loads nothing else).
await startTracingIfConfigured('ai-commerce-worker');
await import('./start-worker.js');
