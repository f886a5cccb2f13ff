import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { artifactChecksum, readModelArtifacts } from './artifacts.js';
import { selectBackend } from './backend.js';
import { loadModel } from './load-model.js';
import type { LoadedModel } from './loaded-model.js';
import { NSFWJS_MODELS, materializeNsfwjsModel, type NsfwjsModelName } from './testing/nsfwjs-fixture.js';
import { tempDir } from './testing/paths.js';

/** A deterministic 224×224×3 "image" with values 0..255. */
function image(seed: number): Int32Array {
  const pixels = new Int32Array(224 * 224 * 3);
  let state = seed;
  for (let i = 0; i < pixels.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    pixels[i] = (state >>> 16) % 256;
  }
  return pixels;
}

interface NsfwjsInstance {
  infer(img: tf.Tensor3D): tf.Tensor;
  dispose?(): void;
  model: { dispose(): void };
}

/**
 * Pre-trained models shipped inside the `nsfwjs` npm package (no network): MobileNetV2 as a TF.js
 * layers model and MobileNetV2Mid as a graph model. Our loader must read them from disk and give
 * the same numbers as the package's own inference API on the same input.
 */
describe.each(Object.keys(NSFWJS_MODELS) as NsfwjsModelName[])('nsfwjs fixture %s', (name) => {
  const expected = NSFWJS_MODELS[name];
  let dir: string;
  let model: LoadedModel;
  let reference: NsfwjsInstance;

  beforeAll(async () => {
    await selectBackend('wasm'); // MobileNet on the cpu backend takes seconds per image
    dir = await materializeNsfwjsModel(name, join(await tempDir('nsfwjs-'), name));
    model = await loadModel(dir);
    const nsfwjs = (await import('nsfwjs')) as unknown as {
      load(name: string, options?: object): Promise<NsfwjsInstance>;
    };
    reference = await nsfwjs.load(expected.exportName);
  });

  afterAll(() => {
    model?.dispose();
    reference?.model.dispose();
  });

  it(`is told apart as a ${expected.format} model by its topology, and checksums`, async () => {
    expect((await readModelArtifacts(dir)).format).toBe(expected.format);
    const { checksum, sizeBytes } = await artifactChecksum(dir);
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(sizeBytes).toBeGreaterThan(1_000_000);
  });

  it('loads with the expected input shape and output size', () => {
    expect(model.info).toMatchObject({
      format: expected.format,
      inputShape: [224, 224, 3],
      inputDtype: 'float32',
      outputSize: 5,
    });
  });

  it("matches the package's own inference within 1e-5", async () => {
    for (const seed of [1, 2]) {
      const pixels = image(seed);
      const theirs = tf.tidy(() => reference.infer(tf.tensor3d(pixels, [224, 224, 3], 'int32')));
      const want = (await theirs.data()) as Float32Array;
      theirs.dispose();
      // nsfwjs scales pixels by 1/255 before the model; send the same values.
      const got = await model.predict(
        Float32Array.from(pixels, (v) => v / 255),
        1,
      );
      expect(got).toHaveLength(5);
      expect(got.every(Number.isFinite)).toBe(true);
      got.forEach((value, index) => expect(Math.abs(value - want[index])).toBeLessThan(1e-5));
    }
  });

  it('runs a batch of two rows and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const a = Float32Array.from(image(3), (v) => v / 255);
    const b = Float32Array.from(image(4), (v) => v / 255);
    const both = new Float32Array(a.length * 2);
    both.set(a);
    both.set(b, a.length);
    const batch = await model.predict(both, 2);
    const single = await model.predict(b, 1);
    expect(batch).toHaveLength(10);
    single.forEach((value, index) => expect(Math.abs(value - batch[5 + index])).toBeLessThan(1e-5));
    expect(tf.memory().numTensors).toBe(before);
  });
});
