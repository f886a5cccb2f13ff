import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  NSFWJS_MODELS,
  materializeNsfwjsModel,
  type NsfwjsModelName,
} from '../../libs/inference/src/testing/nsfwjs-fixture.js';
import { answerBeforeBody } from '../helpers/early-answer.js';
import { attachUpload } from '../helpers/model-files.js';
import { expectOipError, expectOipSchema } from '../helpers/oip-conformance.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

const LABELS = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

/** A deterministic 224×224×3 image scaled to 0..1, nested [224][224][3] as a client sends it. */
function image(seed: number): number[][][] {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16) % 256;
  return Array.from({ length: 224 }, () =>
    Array.from({ length: 224 }, () => Array.from({ length: 3 }, () => next() / 255)),
  );
}

/**
 * The third-party MobileNetV2s shipped inside the `nsfwjs` package (layers and graph), uploaded
 * and deployed through the API, called through V2 with an FP32 [1,224,224,3] tensor: the
 * probabilities equal predict's for the same image within 1e-6.
 */
describe('V2 inference on third-party image models', () => {
  let t: TestApp;
  let work: string;

  beforeAll(async () => {
    // A small inference body limit, so the 413 case needs no huge body.
    t = await createTestApp({ INFERENCE_BODY_LIMIT: '6mb' });
    work = mkdtempSync(join(tmpdir(), 'app_test_oip_nsfwjs_'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await t.close();
  });

  it.each(Object.keys(NSFWJS_MODELS) as NsfwjsModelName[])(
    '%s: V2 metadata and infer agree with predict',
    async (name) => {
      const { format } = NSFWJS_MODELS[name];
      const dir = await materializeNsfwjsModel(name, join(work, name));
      const modelName = `nsfw-${format}`;
      const weights = readdirSync(dir)
        .filter((file) => file !== 'model.json')
        .map((file) => ({ name: file, data: readFileSync(join(dir, file)) }));
      const fields = {
        name: modelName,
        version: '1.0.0',
        framework: format === 'layers' ? 'tfjs-layers' : 'tfjs-graph',
        task: 'classification',
        inputShape: '[224,224,3]',
        outputLabels: JSON.stringify(LABELS),
      };
      await attachUpload(t.http().post('/api/v1/models').set(bearer(t.adminToken)), {
        modelJson: readFileSync(join(dir, 'model.json')),
        weights,
        fields,
      }).expect(201);
      await t.http().post(`/api/v1/models/${modelName}/versions/1.0.0/deploy`).set(bearer(t.adminToken)).expect(200);

      const metadata = await t.http().get(`/v2/models/${modelName}`).set(bearer(t.adminToken)).expect(200);
      expectOipSchema('metadata_model_response', metadata.body);
      expect(metadata.body).toMatchObject({
        platform: `tensorflowjs_${format}`,
        inputs: [{ datatype: 'FP32', shape: [-1, 224, 224, 3] }],
        outputs: [{ name: 'probabilities', shape: [-1, 5] }, { name: 'label' }],
      });

      const pixels = image(name.length);
      const reference = await t
        .http()
        .post(`/api/v1/inference/${modelName}/predict`)
        .set(bearer(t.adminToken))
        .send({ inputs: pixels })
        .expect(200);
      const answer = await t
        .http()
        .post(`/v2/models/${modelName}/versions/1.0.0/infer`)
        .set(bearer(t.adminToken))
        .send({
          id: name,
          inputs: [{ name: metadata.body.inputs[0].name, shape: [1, 224, 224, 3], datatype: 'FP32', data: [pixels] }],
          outputs: [{ name: 'probabilities' }, { name: 'label' }],
        })
        .expect(200);
      expectOipSchema('inference_response', answer.body);
      expect(answer.body).toMatchObject({ model_name: modelName, model_version: '1.0.0', id: name });
      const [probabilities, label] = answer.body.outputs;
      expect(probabilities).toMatchObject({ datatype: 'FP32', shape: [1, 5] });
      LABELS.forEach((labelName, index) =>
        expect(
          Math.abs(probabilities.data[index] - reference.body.predictions[0].probabilities[labelName]),
        ).toBeLessThan(1e-6),
      );
      expect(label).toEqual({
        name: 'label',
        datatype: 'BYTES',
        shape: [1],
        data: [reference.body.predictions[0].label],
      });

      // The flat form of the same tensor is the same call.
      const flat = await t
        .http()
        .post(`/v2/models/${modelName}/infer`)
        .set(bearer(t.adminToken))
        .send({
          inputs: [
            { name: metadata.body.inputs[0].name, shape: [1, 224, 224, 3], datatype: 'FP32', data: pixels.flat(2) },
          ],
        })
        .expect(200);
      expect(flat.body.outputs[0]).toEqual(probabilities);
    },
  );

  it('a body over the inference limit is 413 in { error }', async () => {
    const huge = {
      inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }],
      parameters: { pad: 'x'.repeat(7 * 1024 * 1024) },
    };
    // Answered from Content-Length, the connection closed: writing the 7 MB as well can meet EPIPE first.
    const answer = await answerBeforeBody(
      `${t.baseUrl}/v2/models/nsfw-layers/infer`,
      { ...bearer(t.adminToken), 'content-type': 'application/json' },
      Buffer.byteLength(JSON.stringify(huge)),
    );
    expect(answer.status).toBe(413);
    expectOipError(JSON.parse(answer.body));
  });
});
