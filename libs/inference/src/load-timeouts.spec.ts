import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { ModelLoadError } from './errors.js';
import { ModelServer } from './model-server.js';
import { PPOCR_CLS } from './testing/onnx-direct.js';
import { onnxFixture, shippedModelDir } from './testing/paths.js';

const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );

/**
 * Load and warm-up bounds, for both engines. A model whose artifact never arrives (a hung disk or
 * network share) is made with a named pipe nobody writes to: reading it blocks until a writer shows
 * up. A warm-up that does not end in time is the PP-OCR classifier declared with a huge image, whose
 * trial runs take seconds. Either load must fail within its bound, and the version already serving
 * under the key must keep serving.
 */
describe.each([
  ['TF.js', 'model.json', () => shippedModelDir('sensor-anomaly')],
  ['ONNX', 'model.onnx', () => onnxFixture('sensor-anomaly')],
])('model load bounds (%s)', (_engine, artifactName, servingSource) => {
  const dir = mkdtempSync(join(tmpdir(), 'model_hang_'));
  const fifo = join(dir, artifactName);
  // Generous for the good artifacts on a busy machine, short next to the test's timeout.
  const models = new ModelServer({
    maxBatch: 1,
    maxDelayUs: 0,
    loadTimeoutMs: 1500,
    warmupTimeoutMs: 400,
    onnx: { workers: 1 },
  });
  const serves = async () => {
    const output = await models.predict('sensor@live', Float32Array.from([21.5, 45, 1012]), 1);
    expect(output!.values[0] + output!.values[1]).toBeCloseTo(1, 5);
  };

  beforeAll(async () => {
    await selectBackend('cpu');
    execFileSync('mkfifo', [fifo]);
    await models.load('sensor@live', servingSource());
  });
  afterAll(() => {
    // Release the blocked read (a writer opens and closes the pipe: the reader sees an empty file).
    closeSync(openSync(fifo, 'w'));
    models.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a load that hangs with LOAD_TIMEOUT and keeps the serving version', async () => {
    const failure = await failureOf(models.load('sensor@live', dir));
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect((failure as ModelLoadError).code).toBe('LOAD_TIMEOUT');
    await serves();
  });

  if (artifactName === 'model.onnx')
    it('fails a warm-up that does not end in time with WARMUP_TIMEOUT and keeps the serving version', async () => {
      const failure = await failureOf(models.load('sensor@live', PPOCR_CLS, { inputShape: [3, 960, 1920] }));
      expect(failure).toBeInstanceOf(ModelLoadError);
      expect((failure as ModelLoadError).code).toBe('WARMUP_TIMEOUT');
      await serves();
      expect(models.info('sensor@live')?.format).toBe('onnx');
    });
});
