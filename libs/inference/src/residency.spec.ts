import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBackend } from './backend.js';
import { ResidencyError } from './errors.js';
import { ModelServer, type ModelServerOptions } from './model-server.js';
import { onnxFixture, shippedModelDir } from './testing/paths.js';

// Three real versions: two shipped TF.js models and the ONNX twin of one of them.
const VERSIONS = {
  'sensor@tfjs': { source: shippedModelDir('sensor-anomaly'), row: [21.5, 45, 1012] },
  'orders@tfjs': { source: shippedModelDir('order-value'), row: [3, 20, 2, 5] },
  'orders@onnx': { source: onnxFixture('order-value'), row: [3, 20, 2, 5] },
} as const;
/** y = x after about a second of compute in an ONNX worker (admission.spec.ts uses it too). */
const SLOW = onnxFixture('slow-identity');
type Key = keyof typeof VERSIONS;
const KEYS = Object.keys(VERSIONS) as Key[];
const rows = (key: Key, count: number) =>
  Float32Array.from(
    { length: count * VERSIONS[key].row.length },
    (_, i) => VERSIONS[key].row[i % VERSIONS[key].row.length],
  );

const servers: ModelServer[] = [];
/** A server counting its loads and evictions per key. */
function counted(options: Partial<ModelServerOptions> & { budgetBytes?: number; loadWaitMs?: number } = {}) {
  const loads: string[] = [];
  const evictions: string[] = [];
  const { budgetBytes, loadWaitMs, ...rest } = options;
  const server = new ModelServer({
    maxBatch: 4,
    maxDelayUs: 60_000_000,
    onnx: { workers: 1 },
    ...rest,
    residency: {
      budgetBytes,
      loadWaitMs,
      onLoad: (key) => loads.push(key),
      onEvict: (key) => evictions.push(key),
    },
  });
  servers.push(server);
  return { server, loads, evictions };
}
const loadAll = async (server: ModelServer) => {
  for (const key of KEYS) await server.load(key, VERSIONS[key].source);
};
const resident = (server: ModelServer) =>
  server
    .residencyReport()
    .versions.filter((v) => v.resident)
    .map((v) => v.key)
    .sort();
const waitUntil = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};
const inUse = (server: ModelServer, key: Key) => server.residencyReport().versions.find((v) => v.key === key)?.inUse;

let bytes: Record<Key, number>;
/** Holds any two of the three versions, never all three. */
let twoOfThree: number;

describe('Residency under a memory budget', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    const { server } = counted();
    await loadAll(server);
    bytes = Object.fromEntries(KEYS.map((key) => [key, server.info(key)!.residentBytes])) as Record<Key, number>;
    const total = KEYS.reduce((sum, key) => sum + bytes[key], 0);
    twoOfThree = total - Math.floor(Math.min(...Object.values(bytes)) / 2);
  });
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('measures each version at load: TF.js at least its weights, ONNX its file and working set', () => {
    const weights = (key: Key) => statSync(join(VERSIONS[key].source, 'weights.bin')).size;
    expect(bytes['sensor@tfjs']).toBeGreaterThanOrEqual(weights('sensor@tfjs'));
    expect(bytes['orders@tfjs']).toBeGreaterThanOrEqual(weights('orders@tfjs'));
    expect(bytes['orders@onnx']).toBeGreaterThan(statSync(VERSIONS['orders@onnx'].source).size);
  });

  it("warms up at the batcher's largest batch too: its working set counts", async () => {
    const { server } = counted({ maxBatch: 256 });
    await loadAll(server);
    for (const key of KEYS) expect(server.info(key)!.residentBytes).toBeGreaterThan(bytes[key]);
  });

  it('without a budget keeps every version resident', async () => {
    const { server, evictions } = counted();
    await loadAll(server);
    for (const key of KEYS) await server.predict(key, rows(key, 4), 4);
    expect(resident(server)).toEqual([...KEYS].sort());
    expect(evictions).toEqual([]);
  });

  it('holds two of three: round-robin calls all succeed, loading and evicting least recently used', async () => {
    const { server, loads, evictions } = counted({ budgetBytes: twoOfThree });
    await loadAll(server);
    // The first deployed is the least recently used: evicted when the third arrived.
    expect(evictions).toEqual(['sensor@tfjs']);
    expect(server.loadedKeys()).toEqual(KEYS);
    for (let round = 0; round < 3; round += 1)
      for (const key of KEYS) {
        const output = await server.predict(key, rows(key, 4), 4);
        expect(output?.values).toHaveLength(4 * output!.outputSize);
        expect(resident(server)).toHaveLength(2);
        expect(resident(server)).toContain(key);
      }
    // Each call after the deploys found its version evicted: one load and one eviction each.
    expect(loads).toHaveLength(3 + 9);
    expect(evictions).toHaveLength(1 + 9);
  });

  it('never evicts a version while a call holds it, even the least recently used', async () => {
    // y = x after about a second of compute in its ONNX worker: a call that stays in flight that long.
    const probe = counted();
    await probe.server.load('slow', SLOW);
    const slowBytes = probe.server.info('slow')!.residentBytes;
    const [small, large] = [bytes['orders@tfjs'], bytes['sensor@tfjs']].sort((x, y) => x - y);
    // Holds the slow version and one of the two others, never both.
    const { server, evictions } = counted({ budgetBytes: slowBytes + large + Math.floor(small / 2) });
    await server.load('slow', SLOW);
    for (const key of ['orders@tfjs', 'sensor@tfjs'] as Key[]) await server.load(key, VERSIONS[key].source);
    const held = server.predict('slow', Float32Array.from([7]), 1);
    await waitUntil(() => inUse(server, 'slow' as Key) === 1);
    evictions.length = 0;
    // Each call needs room; the slow version is the least recently used but held, so the other one goes.
    for (const key of ['orders@tfjs', 'sensor@tfjs', 'orders@tfjs', 'sensor@tfjs'] as Key[]) {
      const output = await server.predict(key, rows(key, 4), 4);
      expect(output?.values).toHaveLength(4 * output!.outputSize);
    }
    expect(evictions.length).toBeGreaterThanOrEqual(3);
    expect(evictions).not.toContain('slow');
    expect(inUse(server, 'slow' as Key)).toBe(1);
    expect(Array.from((await held)?.values ?? [])).toEqual([7]);
  });

  it('never evicts a pinned version (a job), and does once it is unpinned', async () => {
    const { server, evictions } = counted({ budgetBytes: twoOfThree });
    await loadAll(server);
    const unpin = server.pin('orders@tfjs');
    for (const key of ['orders@onnx', 'sensor@tfjs', 'orders@onnx', 'sensor@tfjs'] as Key[])
      await server.predict(key, rows(key, 4), 4);
    expect(evictions.filter((key) => key === 'orders@tfjs')).toEqual([]);
    unpin();
    await server.predict('orders@onnx', rows('orders@onnx', 4), 4);
    expect(evictions.at(-1)).toBe('orders@tfjs');
  });

  it('shares one load among concurrent calls for an evicted version', async () => {
    const { server, loads } = counted({ budgetBytes: twoOfThree });
    await loadAll(server); // sensor@tfjs evicted
    loads.length = 0;
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () => server.predict('sensor@tfjs', rows('sensor@tfjs', 4), 4)),
    );
    expect(outputs.every((output) => output?.values.length === 8)).toBe(true);
    expect(loads).toEqual(['sensor@tfjs']);
  });

  it('refuses at once, evicting nothing, a version that cannot fit beside the versions in use', async () => {
    const { server, evictions } = counted({ budgetBytes: twoOfThree });
    await loadAll(server);
    const unpins = [server.pin('orders@tfjs'), server.pin('orders@onnx')];
    evictions.length = 0;
    const refusal = await server.predict('sensor@tfjs', rows('sensor@tfjs', 4), 4).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ResidencyError);
    expect(refusal).toMatchObject({ code: 'OVER_BUDGET', retryAfterS: 1 });
    expect(evictions).toEqual([]);
    for (const unpin of unpins) unpin();
    expect((await server.predict('sensor@tfjs', rows('sensor@tfjs', 4), 4))?.values).toHaveLength(8);
  });

  it('keeps a version larger than the budget deployed but never resident: its calls are OVER_BUDGET', async () => {
    const { server } = counted({ budgetBytes: Math.min(...Object.values(bytes)) - 1 });
    await loadAll(server);
    expect(server.loadedKeys()).toEqual(KEYS);
    expect(resident(server)).toEqual([]);
    await expect(server.predict('sensor@tfjs', rows('sensor@tfjs', 4), 4)).rejects.toMatchObject({
      code: 'OVER_BUDGET',
    });
  });

  it("bounds a call's wait for the load by its deadline; the load goes on for the next call", async () => {
    const { server, loads } = counted({ budgetBytes: twoOfThree });
    await loadAll(server);
    loads.length = 0;
    await expect(
      server.predict('sensor@tfjs', rows('sensor@tfjs', 4), 4, { deadline: performance.now() }),
    ).rejects.toMatchObject({
      code: 'LOAD_WAIT_EXCEEDED',
    });
    expect((await server.predict('sensor@tfjs', rows('sensor@tfjs', 4), 4))?.values).toHaveLength(8);
    expect(loads).toEqual(['sensor@tfjs']);
  });
});
