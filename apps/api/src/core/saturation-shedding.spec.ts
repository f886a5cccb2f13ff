import { afterEach, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { installSaturationShedding, SATURATED_SAMPLES, SATURATION_SAMPLE_MS } from './saturation-shedding.js';

const PREDICT = '/api/v1/inference/:name/predict';

/**
 * A real Fastify with the hook, whose event loop a route blocks on purpose: one long block is not
 * saturation and refuses nothing; a loop kept busy for several samples in a row refuses model calls
 * with 503 and Retry-After, serves every other route, and serves model calls again once it is quiet.
 */
describe('saturation shedding', () => {
  let fastify: FastifyInstance;
  let baseUrl = '';
  afterEach(() => fastify?.close());

  async function start(maxLoopDelayMs: number): Promise<{ shed: () => number }> {
    fastify = Fastify();
    let shed = 0;
    installSaturationShedding(fastify, {
      maxLoopDelayMs,
      isModelRoute: (url) => url === PREDICT,
      onShed: () => (shed += 1),
    });
    fastify.post(PREDICT, () => ({ ok: true }));
    fastify.get('/health', () => ({ status: 'ok' }));
    fastify.get<{ Querystring: { ms: string } }>('/block', (request) => {
      const until = performance.now() + Number(request.query.ms);
      while (performance.now() < until);
      return { blocked: true };
    });
    baseUrl = await fastify.listen({ host: '127.0.0.1', port: 0 });
    return { shed: () => shed };
  }

  const get = (path: string) => fetch(`${baseUrl}${path}`);
  const predict = () =>
    fetch(`${baseUrl}/api/v1/inference/m/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Blocks the loop 1.5 samples at a time, back to back, for `samples` samples: a saturated thread. */
  const saturate = (samples: number) =>
    Promise.all(Array.from({ length: Math.ceil(samples / 1.5) }, () => get(`/block?ms=${1.5 * SATURATION_SAMPLE_MS}`)));
  /** Predicts every 10 ms until `settled` resolves; the first refusal, if any. */
  const firstRefusal = async (settled: Promise<unknown>) => {
    let done = false;
    void settled.then(() => (done = true));
    while (!done) {
      const answer = await predict();
      if (answer.status !== 200) return answer;
      await sleep(10);
    }
    return undefined;
  };

  it('one long block refuses nothing: a boot step or a model load is not saturation', async () => {
    const counter = await start(20);
    await get(`/block?ms=${(SATURATED_SAMPLES + 3) * SATURATION_SAMPLE_MS}`);
    expect(await firstRefusal(sleep(3 * SATURATION_SAMPLE_MS))).toBeUndefined();
    expect(counter.shed()).toBe(0);
  });

  it('refuses model calls, and only those, while the loop stays saturated; serves them again after', async () => {
    const counter = await start(20);
    expect((await predict()).status).toBe(200);
    const saturation = saturate(3 * SATURATED_SAMPLES);
    const refused = await firstRefusal(saturation);
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(await refused?.json()).toMatchObject({
      code: 'INFERENCE_OVERLOADED',
      message: expect.stringMatching(/saturated/),
    });
    expect((await get('/health')).status).toBe(200);
    expect(counter.shed()).toBeGreaterThanOrEqual(1);
    await saturation;
    await sleep(3 * SATURATION_SAMPLE_MS);
    expect((await predict()).status).toBe(200);
  });

  it('0 turns it off: a saturated loop refuses nothing', async () => {
    const counter = await start(0);
    const saturation = saturate(3 * SATURATED_SAMPLES);
    expect(await firstRefusal(saturation)).toBeUndefined();
    expect(counter.shed()).toBe(0);
  });
});
