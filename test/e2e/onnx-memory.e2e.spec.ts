import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachUpload, onnxFields, onnxFixture } from '../helpers/model-files.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

const CYCLES = 50;
const MODEL = 'order-value';
const VERSION = '2.0.0-onnx';

/** The process's resident set in bytes, as the kernel reports it. */
function residentBytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error('no VmRSS line');
  return Number(line[1]) * 1024;
}

/**
 * Releasing ONNX Runtime sessions inside a long-lived process leaks native memory
 * (microsoft/onnxruntime#25325); unloading a version ends the worker threads that held its session,
 * so 50 deploy/undeploy cycles of an ONNX version, each answering a prediction, leave the shipped
 * bundle's RSS within 10 % of where it stood after the first cycles.
 */
describe('ONNX deploy/undeploy loop', () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const cycle = async () => {
    await t.http().post(`/api/v1/models/${MODEL}/versions/${VERSION}/deploy`).set(admin()).expect(200);
    const served = await t
      .http()
      .post(`/api/v1/inference/${MODEL}/predict`)
      .set(admin())
      .send({ inputs: [[3, 40, 2, 5]] })
      .expect(200);
    expect(served.body.version).toBe(VERSION);
    await t.http().post(`/api/v1/models/${MODEL}/versions/${VERSION}/undeploy`).set(admin()).expect(200);
  };

  beforeAll(async () => {
    t = await createTestApp();
    await attachUpload(t.http().post('/api/v1/models').set(admin()), {
      onnx: onnxFixture(MODEL),
      fields: onnxFields(MODEL, VERSION),
    }).expect(201);
  });
  afterAll(() => t.close());

  it(`keeps RSS within 10 % over ${CYCLES} cycles`, async () => {
    const pid = t.process.child.pid!;
    // The first cycles load what every later one reuses (the native library, JIT-compiled paths).
    for (let i = 0; i < 5; i += 1) await cycle();
    const before = residentBytes(pid);
    for (let i = 0; i < CYCLES; i += 1) await cycle();
    // Ended workers are reclaimed asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = residentBytes(pid);
    process.stdout.write(`onnx deploy/undeploy: RSS ${before} -> ${after} bytes over ${CYCLES} cycles\n`);
    expect(after / before).toBeLessThan(1.1);
    expect(t.process.child.exitCode).toBeNull();
  }, 300_000);
});
