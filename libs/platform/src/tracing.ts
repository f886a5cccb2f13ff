import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { parseEnv } from 'node:util';

/**
 * Optional OpenTelemetry tracing. This module imports nothing of OpenTelemetry at load time: the
 * entry points call `startTracingIfConfigured()` before they import the app, and only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set does it register the ES-module hook and load the SDK, so the
 * instrumentations can wrap http, mysql2, ioredis and better-sqlite3 as the app imports them.
 * Unset, nothing is loaded and nothing is hooked. (`@opentelemetry/api`, which libs/inference uses
 * for its model-execution span, is a no-op without a registered SDK.)
 */

let stop: (() => Promise<void>) | undefined;

/** True once the SDK is running in this process (log lines then carry trace_id and span_id). */
export function tracingEnabled(): boolean {
  return stop !== undefined;
}

/** The settings as the process has them, or from ./.env as the app's config reads it (real variables win). */
function setting(name: string): string | undefined {
  if (process.env[name]) return process.env[name];
  try {
    return parseEnv(readFileSync('.env', 'utf8'))[name] || undefined;
  } catch {
    return undefined;
  }
}

export async function startTracingIfConfigured(defaultServiceName: string): Promise<void> {
  const endpoint = setting('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!endpoint || stop) return;
  if (!/^https?:\/\//.test(endpoint)) throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL');
  // Before any instrumented module is imported: ES modules are wrapped by import-in-the-middle.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { registerInstrumentations },
    { HttpInstrumentation },
    { MySQL2Instrumentation },
    { IORedisInstrumentation },
    sqlite,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-mysql2'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('opentelemetry-plugin-better-sqlite3'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': setting('OTEL_SERVICE_NAME') ?? defaultServiceName }),
    // OTLP/HTTP with JSON bodies; the batch processor's delay and size follow OTEL_BSP_* as usual.
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` })),
    ],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation(),
      new MySQL2Instrumentation(),
      new IORedisInstrumentation(),
      new sqlite.BetterSqlite3Instrumentation(),
    ],
  });
  stop = () => provider.shutdown();
}

/** Sends the spans still buffered; called by the graceful shutdown. A no-op without tracing. */
export async function stopTracing(): Promise<void> {
  await stop?.().catch(() => undefined);
}
