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
  const { backend: requested, maxBatch, maxDelayUs, fastPath, onnx } = config.inference;
  const server = new ModelServer({
    maxBatch,
    maxDelayUs,
    fastPath,
    onnx,
    loadTimeoutMs: config.models.loadTimeoutMs,
    warmupTimeoutMs: config.models.warmupTimeoutMs,
    observer: {
      onBatch: (key, rows, _requests, computeMs) => {
        metrics.inferenceBatchSize.observe(labels(key), rows);
        metrics.inferenceCompute.observe(labels(key), computeMs / 1000);
      },
      onQueued: (key, waitMs) => metrics.inferenceQueue.observe(labels(key), waitMs / 1000),
      onWorkerLost: (key, { reason, replacementError }) => {
        metrics.inferenceWorkersLost.inc({ ...labels(key), outcome: replacementError ? 'failed' : 'replaced' });
        // The calls that were running on it ran once more on a live worker (inference has no side effect).
        if (replacementError)
          log.error(`${key}: an ONNX worker was lost (${reason}); restart failed: ${replacementError}`);
        else log.warn(`${key}: an ONNX worker was lost (${reason}); a fresh worker replaced it`);
      },
    },
  });
  const backend = await server.start(requested);
  log.log(
    `TF.js backend: ${backend} (requested: ${requested}); batching up to ` +
      `${maxBatch} rows / ${maxDelayUs} µs; dense fast path ${fastPath}`,
  );
  return server;
}
