import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { ModelLoadError } from './errors.js';
import { ModelRegistry } from './registry.js';
import { shippedModelDir } from './testing/paths.js';

/**
 * A model whose artifact never arrives (a hung disk or network share), made with a named pipe
 * nobody writes to: reading its model.json blocks until a writer shows up. The load must fail
 * within its bound, and the version already serving under the key must keep serving.
 */
describe('model load bound', () => {
  const dir = mkdtempSync(join(tmpdir(), 'model_hang_'));
  const fifo = join(dir, 'model.json');
  const registry = new ModelRegistry();

  beforeAll(async () => {
    await selectBackend('cpu');
    execFileSync('mkfifo', [fifo]);
    await registry.load('sensor@live', shippedModelDir('sensor-anomaly'));
  });
  afterAll(() => {
    // Release the blocked read (a writer opens and closes the pipe: the reader sees an empty file).
    closeSync(openSync(fifo, 'w'));
    registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a load that hangs with LOAD_TIMEOUT and keeps the serving version', async () => {
    const failure = await registry.load('sensor@live', dir, { loadTimeoutMs: 300 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect((failure as ModelLoadError).code).toBe('LOAD_TIMEOUT');
    const { values } = await registry.predict('sensor@live', Float32Array.from([21.5, 45, 1012]), 1);
    expect(values[0] + values[1]).toBeCloseTo(1, 5);
  });
});
