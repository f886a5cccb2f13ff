import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mulberry32 } from '../../libs/inference/src/seeded-random.js';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

const random = mulberry32(47);
const twin = onnxFixture('order-value');
const flat2 = { inputShape: '[2]', task: 'regression' };

/** Each artifact, the fields it is uploaded with, and the error code it gets. */
const HOSTILE: [string, Buffer, Record<string, string>, string][] = [
  [
    'random bytes',
    Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256))),
    {},
    'MODEL_ARTIFACT_INVALID',
  ],
  ['a truncated file', twin.subarray(0, Math.floor(twin.length / 2)), {}, 'MODEL_ARTIFACT_INVALID'],
  ['an empty file', Buffer.alloc(0), {}, 'MODEL_ARTIFACT_INVALID'],
  ['an unknown operator', onnxFixture('unknown-operator'), flat2, 'MODEL_ARTIFACT_INVALID'],
  ["a non-tensor output (scikit-learn's ZipMap)", onnxFixture('zipmap-output'), flat2, 'MODEL_ARTIFACT_UNSUPPORTED'],
  ['an element type JSON cannot carry (bfloat16)', onnxFixture('bfloat16-input'), flat2, 'MODEL_ARTIFACT_UNSUPPORTED'],
  [
    'a declared inputShape the model disagrees with',
    twin,
    { inputShape: '[5]', featureNames: '["a","b","c","d","e"]' },
    'MODEL_INPUT_SHAPE_MISMATCH',
  ],
  ['weight files beside the .onnx file', twin, {}, 'MODEL_UPLOAD_INCOMPLETE'],
];

/**
 * Hostile ONNX uploads on the shipped bundle: each is a 400 in the contract's shape with its code and
 * a reason, nothing is stored (no registry row, no folder, nothing left in staging), and the same
 * process keeps serving throughout (inspection runs in a throwaway child process).
 */
describe('hostile ONNX artifacts', () => {
  let t: TestApp;
  let pid: number | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    pid = t.process.child.pid;
  });
  afterAll(() => t.close());

  it.each(HOSTILE)('%s: 400, nothing stored, the process serving', async (what, file, overrides, code) => {
    const name = `hostile-${HOSTILE.findIndex(([label]) => label === what)}`;
    const weights = code === 'MODEL_UPLOAD_INCOMPLETE' ? [{ name: 'weights.bin', data: Buffer.alloc(16) }] : [];
    const refused = await attachUpload(t.http().post('/api/v1/models').set(bearer(t.adminToken)), {
      onnx: file,
      weights,
      fields: onnxFields('order-value', '1.0.0', { name, ...overrides }),
    }).expect(400);
    expect(expectErrorShape(refused.body, 400)).toMatchObject({ code, message: expect.stringMatching(/^.{20,}$/) });
    expect(JSON.stringify(refused.body)).not.toContain(t.modelsDir);

    const [{ n }] = await t.dataSource.query<{ n: number | string }[]>(
      'SELECT COUNT(*) AS n FROM model_versions WHERE name = ?',
      [name],
    );
    expect(Number(n)).toBe(0);
    expect(existsSync(join(t.modelsDir, name))).toBe(false);
    const incoming = join(t.modelsDir, '.incoming');
    expect(existsSync(incoming) ? readdirSync(incoming) : []).toEqual([]);

    expect(t.process.child.exitCode).toBeNull();
    expect(t.process.child.pid).toBe(pid);
    await t.http().get('/health/ready').expect(200);
    const served = await t
      .http()
      .post('/api/v1/inference/sensor-anomaly/predict')
      .set(bearer(t.adminToken))
      .send({ inputs: [21.5, 45, 1012] })
      .expect(200);
    expect(served.body.version).toBe('1.0.0');
  });

  it('a .onnx file under another name is refused before it is written', async () => {
    const refused = await attachUpload(t.http().post('/api/v1/models').set(bearer(t.adminToken)), {
      onnx: twin,
      filename: 'model.json',
      fields: onnxFields('order-value', '9.9.9'),
    }).expect(400);
    expect(expectErrorShape(refused.body, 400).code).toBe('MODEL_ARTIFACT_INVALID');
  });
});
