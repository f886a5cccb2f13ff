import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { ModelLoadError } from './errors.js';
import { ModelServer } from './model-server.js';
import { shippedModelDir } from './testing/paths.js';

/**
 * A model whose artifact never arrives (a hung disk or network share), made with a named pipe
 * nobody writes to: reading its model.json blocks until a writer shows up. The load must fail
 * within its bound, and the version already serving under the key must keep serving.
 */
describe('model load bound', () => {
  const dir = mkdtempSync(join(tmpdir(), 'model_hang_'));
  const fifo = join(dir, 'model.json');
  // Generous for the good artifact on a busy machine, short next to the test's timeout.
  const models = new ModelServer({ maxBatch: 1, maxDelayUs: 0, loadTimeoutMs: 1500 });

  beforeAll(async () => {
    await selectBackend('cpu');
    execFileSync('mkfifo', [fifo]);
    await models.load('sensor@live', shippedModelDir('sensor-anomaly'));
  });
  afterAll(() => {
    // Release the blocked read (a writer opens and closes the pipe: the reader sees an empty file).
    closeSync(openSync(fifo, 'w'));
    models.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a load that hangs with LOAD_TIMEOUT and keeps the serving version', async () => {
    const failure = await models.load('sensor@live', dir).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect((failure as ModelLoadError).code).toBe('LOAD_TIMEOUT');
    const output = await models.predict('sensor@live', Float32Array.from([21.5, 45, 1012]), 1);
    expect(output!.values[0] + output!.values[1]).toBeCloseTo(1, 5);
  });
});
