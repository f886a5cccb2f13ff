import { Logger } from '@nestjs/common';
import { ModelServer } from '@app/inference';
import type { AppConfig } from '@app/config';
import type { MetricsService } from '../metrics/metrics.service.js';

/** The metric labels of a `name@version` key (see modelKey). */
function labels(key: string): { model: string; version: string } {
  const at = key.lastIndexOf('@');
  return { model: key.slice(0, at), version: key.slice(at + 1) };
}

/**
 * The libs/inference server the ModelRuntime port is bound to: the backend chosen at boot (before
 * any provider loads a model), every load bounded (boot, deploy, sync, upload check: a hung
 * artifact store or a warm-up that never ends fails that load with a ModelLoadError instead of
 * holding it), and batch metrics to Prometheus under the model's name and version.
 */
export async function startModelServer(config: AppConfig, metrics: MetricsService): Promise<ModelServer> {
  const log = new Logger('InferenceRuntime');
  const { backend: requested, maxBatch, maxDelayUs, queueDepth, defaultTimeoutMs, fastPath, onnx } = config.inference;
  const { memoryBudgetMb, loadWaitMs } = config.inference;
  const server: ModelServer = new ModelServer({
    maxBatch,
    maxDelayUs,
    queueDepth,
    defaultTimeoutMs,
    fastPath,
    onnx,
    loadTimeoutMs: config.models.loadTimeoutMs,
    warmupTimeoutMs: config.models.warmupTimeoutMs,
    observer: {
      onBatch: (key, rows, requests, computeMs) => {
        const version = labels(key);
        metrics.inferenceBatchSize.observe(version, rows);
        metrics.inferenceCompute.observe(version, computeMs / 1000);
        metrics.inferenceExecutions.inc(version);
        metrics.inferenceExecutedRequests.inc(version, requests);
        metrics.inferenceExecutedRows.inc(version, rows);
        const stats = server.batchStats(key);
        metrics.inferenceAverageBatchSize.set(version, stats.requests / stats.executions);
      },
      onQueued: (key, waitMs) => metrics.inferenceQueue.observe(labels(key), waitMs / 1000),
      onWorkerLost: (key, { reason, replacementError }) => {
        metrics.inferenceWorkersLost.inc({ ...labels(key), outcome: replacementError ? 'failed' : 'replaced' });
        // The calls that were running on it ran once more on a live worker (inference has no side effect).
        if (replacementError)
          log.error(`${key}: an ONNX worker was lost (${reason}); restart failed: ${replacementError}`);
        else log.warn(`${key}: an ONNX worker was lost (${reason}); a fresh worker replaced it`);
      },
      onShed: (key, code) => metrics.inferenceShed.inc({ ...labels(key), reason: code.toLowerCase() }),
      onDepth: (key, queued, running) => {
        metrics.inferenceQueued.set(labels(key), queued);
        metrics.inferenceRunning.set(labels(key), running);
      },
    },
    residency: {
      budgetBytes: memoryBudgetMb === undefined ? undefined : Math.floor(memoryBudgetMb * 1024 * 1024),
      loadWaitMs,
      onLoad: (key, loadMs) => {
        metrics.modelLoads.inc(labels(key));
        metrics.modelLoadDuration.observe(labels(key), loadMs / 1000);
      },
      onEvict: (key) => metrics.modelEvictions.inc(labels(key)),
    },
  });
  metrics.onScrape(() => {
    metrics.modelResidentBytes.reset();
    for (const version of server.residencyReport().versions)
      metrics.modelResidentBytes.set(labels(version.key), version.resident ? version.bytes : 0);
  });
  const backend = await server.start(requested);
  log.log(
    `TF.js backend: ${backend} (requested: ${requested}); batching up to ` +
      `${maxBatch} rows / ${maxDelayUs} µs; queue ${queueDepth} per version; dense fast path ${fastPath}; ` +
      `memory budget ${memoryBudgetMb === undefined ? 'none' : `${memoryBudgetMb} MiB`}`,
  );
  return server;
}
