import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  NSFWJS_MODELS,
  materializeNsfwjsModel,
  type NsfwjsModelName,
} from '../../libs/inference/src/testing/nsfwjs-fixture.js';
import { attachUpload } from '../helpers/model-files.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** A deterministic 224×224×3 image, values 0..255. */
function image(seed: number): Int32Array {
  const pixels = new Int32Array(224 * 224 * 3);
  let state = seed;
  for (let index = 0; index < pixels.length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    pixels[index] = (state >>> 16) % 256;
  }
  return pixels;
}

/** Nests a flat HWC image as [224][224][3], the shape a client sends for an image model. */
function nested(pixels: Int32Array): number[][][] {
  return Array.from({ length: 224 }, (_, y) =>
    Array.from({ length: 224 }, (_, x) => Array.from({ length: 3 }, (_, c) => pixels[(y * 224 + x) * 3 + c] / 255)),
  );
}

/**
 * Real third-party models, shipped inside the `nsfwjs` npm package (a devDependency, nothing
 * downloaded): registered through the upload route, deployed, and called over HTTP. The product's
 * predictions must equal the package's own inference within 1e-5.
 */
describe('third-party TF.js models through the registry', () => {
  let t: TestApp;
  let work: string;
  const references = new Map<NsfwjsModelName, { infer(image: tf.Tensor3D): tf.Tensor; model: { dispose(): void } }>();

  beforeAll(async () => {
    t = await createTestApp();
    // The reference runs here, in the test's process, on the backend the app serves with (wasm).
    const { selectBackend } = await import('@app/inference');
    expect(await selectBackend('wasm')).toBe('wasm');
    work = mkdtempSync(join(tmpdir(), 'app_test_nsfwjs_'));
    const nsfwjs = (await import('nsfwjs')) as unknown as {
      load(name: string): Promise<{ infer(image: tf.Tensor3D): tf.Tensor; model: { dispose(): void } }>;
    };
    for (const name of Object.keys(NSFWJS_MODELS) as NsfwjsModelName[])
      references.set(name, await nsfwjs.load(NSFWJS_MODELS[name].exportName));
  });
  afterAll(async () => {
    for (const reference of references.values()) reference.model.dispose();
    rmSync(work, { recursive: true, force: true });
    await t.close();
  });

  it.each(Object.keys(NSFWJS_MODELS) as NsfwjsModelName[])(
    '%s: upload, deploy, predict equals the package within 1e-5',
    async (name) => {
      const { format } = NSFWJS_MODELS[name];
      const dir = await materializeNsfwjsModel(name, join(work, name));
      const weights = readdirSync(dir)
        .filter((file) => file !== 'model.json')
        .map((file) => ({ name: file, data: readFileSync(join(dir, file)) }));
      const modelName = `nsfw-${format}`;
      const uploaded = await attachUpload(t.http().post('/api/v1/models').set(bearer(t.adminToken)), {
        modelJson: readFileSync(join(dir, 'model.json')),
        weights,
        fields: {
          name: modelName,
          version: '1.0.0',
          framework: format === 'layers' ? 'tfjs-layers' : 'tfjs-graph',
          task: 'classification',
          inputShape: '[224,224,3]',
          outputLabels: JSON.stringify(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']),
        },
      }).expect(201);
      expect(uploaded.body).toMatchObject({
        framework: format === 'layers' ? 'tfjs-layers' : 'tfjs-graph',
        inputShape: [224, 224, 3],
        stage: 'staging',
      });
      await t.http().post(`/api/v1/models/${modelName}/versions/1.0.0/deploy`).set(bearer(t.adminToken)).expect(200);

      const pixels = image(11);
      const response = await t
        .http()
        .post(`/api/v1/inference/${modelName}/predict`)
        .set(bearer(t.adminToken))
        .send({ inputs: nested(pixels) })
        .expect(200);
      const theirs = tf.tidy(() => references.get(name)!.infer(tf.tensor3d(pixels, [224, 224, 3], 'int32')));
      const want = Array.from(await theirs.data());
      theirs.dispose();
      const got = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'].map(
        (label) => response.body.predictions[0].probabilities[label] as number,
      );
      got.forEach((value, index) => expect(Math.abs(value - want[index])).toBeLessThan(1e-5));

      // The same image sent flat is the same row.
      const flat = await t
        .http()
        .post(`/api/v1/inference/${modelName}/predict`)
        .set(bearer(t.adminToken))
        .send({ inputs: Array.from(pixels, (value) => value / 255) })
        .expect(200);
      expect(flat.body.predictions).toEqual(response.body.predictions);
    },
  );
});
