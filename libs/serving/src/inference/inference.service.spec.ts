import { describe, expect, it } from '@jest/globals';
import { NotFoundError } from '@app/common';
import type { DriftMonitor } from '../drift/drift-monitor.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DeployedModel } from '../models/deployed-models.js';
import { ModelRuntime, type LoadedModelInfo, type PredictOutput } from '../models/model-runtime.js';
import type { ModelVersionResolver } from '../models/serving/model-version-resolver.js';
import { TrafficStats } from '../models/serving/traffic-stats.js';
import { InferenceService } from './inference.service.js';
import { ShadowMirror } from './shadow-mirror.js';
import type { InferenceRecordWriter, NewInferenceRecord } from './records/inference-record.writer.js';

/** The runtime port replaced: it answers each row's sum and its negation, and can vanish mid-call. */
class SummingRuntime extends ModelRuntime {
  backend = 'test';
  loaded = true;
  calls: number[] = [];
  async inspect(): Promise<LoadedModelInfo> {
    throw new Error('unused');
  }
  async load(): Promise<LoadedModelInfo> {
    throw new Error('unused');
  }
  unload(): void {}
  info(): LoadedModelInfo | undefined {
    return undefined;
  }
  loadedKeys(): string[] {
    return [];
  }
  async predict(_key: string, input: Float32Array, rows: number): Promise<PredictOutput | undefined> {
    this.calls.push(rows);
    if (!this.loaded) return undefined;
    const values = new Float32Array(rows * 2);
    for (let row = 0; row < rows; row += 1) {
      const sum = input[row * 2] + input[row * 2 + 1];
      values[row * 2] = sum;
      values[row * 2 + 1] = -sum;
    }
    return { values, outputSize: 2 };
  }
  async infer(): Promise<undefined> {
    throw new Error('unused');
  }
  pin(): () => void {
    return () => undefined;
  }
  isResident(): boolean {
    return this.loaded;
  }
  residencyReport() {
    return { versions: [] };
  }
  refusalFor() {
    return undefined;
  }
  batchStats() {
    return { executions: this.calls.length, requests: this.calls.length, rows: 0 };
  }
}

const model = (task: DeployedModel['task']): DeployedModel => ({
  key: 'toy@1',
  name: 'toy',
  version: '1',
  task,
  featureNames: ['a', 'b'],
  outputLabels: task === 'classification' ? ['plus', 'minus'] : null,
  info: { format: 'layers', inputShape: [2], inputDtype: 'float32', outputSize: 2 },
});

function service(deployed: DeployedModel | undefined, runtime: SummingRuntime, records: NewInferenceRecord[]) {
  const models = {
    resolve: () => {
      if (!deployed) throw new NotFoundError('MODEL_NOT_DEPLOYED', 'Deployed model', 'toy');
      return { model: deployed, shadows: [] };
    },
  } as unknown as ModelVersionResolver;
  const writer = { record: (entry: NewInferenceRecord) => records.push(entry) } as unknown as InferenceRecordWriter;
  const metrics = new MetricsService();
  const stats = new TrafficStats(metrics);
  // Drift is watched off this path (drift/drift-monitor.ts has its own tests); rows are handed over and dropped here.
  const drift = { observe: () => undefined } as unknown as DriftMonitor;
  return new InferenceService(models, runtime, metrics, writer, stats, new ShadowMirror(stats), drift);
}

describe('InferenceService (runtime replaced)', () => {
  it('maps classification outputs to labels and logs the call', async () => {
    const records: NewInferenceRecord[] = [];
    const result = await service(model('classification'), new SummingRuntime(), records).predict({
      name: 'toy',
      inputs: [{ a: 1, b: 2 }, [-5, 1]],
      userId: 7,
      source: 'http',
    });
    expect(result.predictions).toEqual([
      { label: 'plus', confidence: 3, probabilities: { plus: 3, minus: -3 } },
      { label: 'minus', confidence: 4, probabilities: { plus: -4, minus: 4 } },
    ]);
    expect(records).toEqual([
      expect.objectContaining({ model: 'toy', version: '1', source: 'http', userId: 7, success: true }),
    ]);
  });

  it('answers regression with values, and logs refusals as failures without running the model', async () => {
    const records: NewInferenceRecord[] = [];
    const runtime = new SummingRuntime();
    const inference = service(model('regression'), runtime, records);
    expect((await inference.predict({ name: 'toy', inputs: [1, 1], userId: null, source: 'job' })).predictions).toEqual(
      [{ values: [2, -2] }],
    );
    await expect(inference.predict({ name: 'toy', inputs: [1], userId: null, source: 'job' })).rejects.toThrow(
      'expected 2 values',
    );
    expect(runtime.calls).toEqual([1]);
    expect(records.map((record) => record.success)).toEqual([true, false]);
  });

  it('answers 404 when the model is not deployed or is unloaded mid-call', async () => {
    await expect(
      service(undefined, new SummingRuntime(), []).predict({
        name: 'toy',
        inputs: [1, 1],
        userId: null,
        source: 'http',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const runtime = new SummingRuntime();
    runtime.loaded = false;
    await expect(
      service(model('regression'), runtime, []).predict({ name: 'toy', inputs: [1, 1], userId: null, source: 'http' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
