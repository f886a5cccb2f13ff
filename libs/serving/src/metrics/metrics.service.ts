import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { routeTemplate } from '@app/common';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384];

/**
 * The app's Prometheus metrics, in a registry of its own (so several apps in one process, as in
 * the tests, do not collide). Inference names follow Triton's: success/failure counts, queue and
 * compute time, batch size, by model and version.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly inferenceSuccess = new Counter({
    name: 'inference_request_success_total',
    help: 'Successful inference requests',
    labelNames: ['model', 'version', 'source'],
    registers: [this.registry],
  });
  readonly inferenceFailure = new Counter({
    name: 'inference_request_failure_total',
    help: 'Failed inference requests',
    labelNames: ['model', 'version', 'source'],
    registers: [this.registry],
  });
  readonly inferenceDuration = new Histogram({
    name: 'inference_request_duration_seconds',
    help: 'End-to-end inference latency (queue + compute)',
    labelNames: ['model', 'version'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inferenceQueue = new Histogram({
    name: 'inference_queue_duration_seconds',
    help: 'Time a request waited for its batch',
    labelNames: ['model', 'version'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inferenceCompute = new Histogram({
    name: 'inference_compute_duration_seconds',
    help: 'Model compute time per executed batch',
    labelNames: ['model', 'version'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inferenceBatchSize = new Histogram({
    name: 'inference_batch_size',
    help: 'Rows per executed batch',
    labelNames: ['model', 'version'],
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly inferenceWorkersLost = new Counter({
    name: 'inference_workers_lost_total',
    help: 'ONNX worker threads that exited while serving, by whether their replacement started (replaced, failed)',
    labelNames: ['model', 'version', 'outcome'],
    registers: [this.registry],
  });
  readonly inferenceExecutions = new Counter({
    name: 'inference_executions_total',
    help: 'Model executions (one per executed batch; Triton exec_count)',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly inferenceExecutedRequests = new Counter({
    name: 'inference_executed_requests_total',
    help: 'Requests that reached the model (coalesced into executions)',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly inferenceExecutedRows = new Counter({
    name: 'inference_executed_rows_total',
    help: 'Rows the model executed',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly inferenceAverageBatchSize = new Gauge({
    name: 'inference_average_batch_size',
    help: 'Requests per execution since start (executed requests / executions, as Triton reports it)',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly inferenceShed = new Counter({
    name: 'inference_requests_shed_total',
    help: 'Requests refused (overloaded) or dropped (deadline_exceeded) before they reached the model',
    labelNames: ['model', 'version', 'reason'],
    registers: [this.registry],
  });
  readonly inferenceSaturationShed = new Counter({
    name: 'inference_saturation_shed_total',
    help: 'Model calls refused before their bodies were read because the HTTP thread was saturated',
    registers: [this.registry],
  });
  readonly inferenceQueued = new Gauge({
    name: 'inference_queued_requests',
    help: 'Requests waiting for an execution, per model version',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly inferenceRunning = new Gauge({
    name: 'inference_executions_in_flight',
    help: 'Executions running now, per model version',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly modelsLoaded = new Gauge({
    name: 'inference_models_loaded',
    help: 'Model versions loaded in the runtime',
    registers: [this.registry],
  });
  readonly modelReady = new Gauge({
    name: 'model_ready',
    help: 'Deployed model versions: 1 when loaded in this process, 0 when its load failed here (retried with back-off)',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly modelLoadFailures = new Counter({
    name: 'model_load_failures_total',
    help: 'Failed loads of deployed model versions in this process',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly modelLoads = new Counter({
    name: 'model_loads_total',
    help: 'Loads of model versions in this process (deploy, boot, sync, and again after an eviction)',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly modelEvictions = new Counter({
    name: 'model_evictions_total',
    help: 'Model versions evicted to keep within INFERENCE_MEMORY_BUDGET_MB (still deployed, loaded again on demand)',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly modelLoadDuration = new Histogram({
    name: 'model_load_duration_seconds',
    help: 'Time to load and warm up a model version',
    labelNames: ['model', 'version'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly modelResidentBytes = new Gauge({
    name: 'model_resident_bytes',
    help: 'Bytes a registered model version holds, measured at load; 0 while evicted',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly jobQueueDepth = new Gauge({
    name: 'inference_job_queue_depth',
    help: 'Inference jobs queued or running',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly recordsDropped = new Counter({
    name: 'inference_records_dropped_total',
    help:
      'Prediction records dropped (buffer full during a database ' +
      'outage, rejected by the database, or unserialisable)',
    registers: [this.registry],
  });
  readonly recordsBuffered = new Gauge({
    name: 'inference_records_buffered',
    help: 'Prediction records waiting in memory to be written',
    registers: [this.registry],
  });
  readonly rateLimitStoreErrors = new Counter({
    name: 'rate_limit_store_errors_total',
    help: 'Rate-limit counts that failed or timed out in the shared store (the request was let through)',
    registers: [this.registry],
  });
  readonly trafficServed = new Counter({
    name: 'traffic_served_total',
    help: 'Successful primary inference calls per served version (every source but shadow)',
    labelNames: ['model', 'version'],
    registers: [this.registry],
  });
  readonly shadowCalls = new Counter({
    name: 'traffic_shadow_calls_total',
    help: 'Shadow calls compared with their primary, per pair',
    labelNames: ['model', 'primary', 'shadow'],
    registers: [this.registry],
  });
  readonly shadowAgreement = new Gauge({
    name: 'traffic_shadow_agreement',
    help: "Classifiers: share of rows where the shadow gave the primary's label, since this process started",
    labelNames: ['model', 'primary', 'shadow'],
    registers: [this.registry],
  });
  readonly shadowMeanAbsDiff = new Gauge({
    name: 'traffic_shadow_mean_absolute_difference',
    help: 'Regressors: mean absolute difference between shadow and primary outputs, since this process started',
    labelNames: ['model', 'primary', 'shadow'],
    registers: [this.registry],
  });
  readonly shadowDropped = new Counter({
    name: 'traffic_shadow_dropped_total',
    help: 'Shadow calls dropped because the shadow queue was full (or that failed)',
    labelNames: ['model', 'reason'],
    registers: [this.registry],
  });
  readonly dbPoolInUse = new Gauge({
    name: 'db_pool_connections_in_use',
    help: 'Database connections in use',
    registers: [this.registry],
  });
  readonly dbPoolIdle = new Gauge({
    name: 'db_pool_connections_idle',
    help: 'Idle database connections',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts and times one answered request under its route template ('unmatched' for a 404 without a route). */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const labels = { method, route: route === undefined ? 'unmatched' : routeTemplate(route), status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Gauges read at scrape time register a collector here (pool use, loaded models, queue depth). */
  onScrape(collect: () => void | Promise<void>): void {
    this.collectors.push(collect);
  }

  async scrape(): Promise<string> {
    await Promise.all(this.collectors.map(async (collect) => collect()));
    return this.registry.metrics();
  }

  private readonly collectors: (() => void | Promise<void>)[] = [];
}
