import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from '@jest/globals';
import { currentBackend, selectBackend } from './backend.js';
import { BackendUnavailableError } from './errors.js';
import { loadModel } from './load-model.js';
import { shippedModelDir } from './testing/paths.js';

async function nativeInstalled(): Promise<boolean> {
  const specifier = '@tensorflow/tfjs-node';
  return import(specifier).then(
    () => true,
    () => false,
  );
}

const readings = Float32Array.from([21.5, 45, 1012, 85, 45, 1012, -20, 50, 1000, 25, 95, 1010, 20, 40, 1080]);

describe('selectBackend', () => {
  it('forced cpu', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(currentBackend()).toBe('cpu');
  });

  it('forced wasm uses the wasm binaries of the npm package', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(currentBackend()).toBe('wasm');
  });

  it('auto picks tensorflow when @tensorflow/tfjs-node resolves, else wasm', async () => {
    const native = await nativeInstalled();
    const chosen = await selectBackend('auto');
    expect(chosen).toBe(native ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(chosen);
    expect(await selectBackend()).toBe(chosen);
  });

  it('a forced backend that cannot start is an error, not a silent fallback', async () => {
    if (await nativeInstalled()) return;
    await expect(selectBackend('tensorflow')).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(selectBackend('gpu' as never)).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('cpu and wasm agree on the shipped classifier within 1e-5', async () => {
    const outputs: Record<string, Float32Array> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend);
      const model = await loadModel(shippedModelDir('sensor-anomaly'));
      expect(model.info.backend).toBe(backend);
      outputs[backend] = await model.predict(readings, 5);
      model.dispose();
    }
    expect(outputs.cpu).toHaveLength(10);
    outputs.cpu.forEach((value, index) => expect(Math.abs(value - outputs.wasm[index])).toBeLessThan(1e-5));
  });
});
