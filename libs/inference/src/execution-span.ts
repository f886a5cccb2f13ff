import { SpanStatusCode, trace } from '@opentelemetry/api';

// A proxy tracer: a no-op until an SDK registers a provider (OTEL_EXPORTER_OTLP_ENDPOINT set).
const tracer = trace.getTracer('@app/inference');

export interface ExecutionAttributes {
  /** The registry key, e.g. `sensor-anomaly@1.0.0`, when the model was loaded through one. */
  model?: string;
  format: string;
  backend: string;
  rows: number;
}

/** One span per forward pass (a whole coalesced batch with dynamic batching), with its batch size. */
export function withExecutionSpan<T>(attributes: ExecutionAttributes, run: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    'model.execute',
    { attributes: { 'inference.batch_size': attributes.rows, 'inference.model.format': attributes.format, 'inference.backend': attributes.backend, ...(attributes.model ? { 'inference.model': attributes.model } : {}) } },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
