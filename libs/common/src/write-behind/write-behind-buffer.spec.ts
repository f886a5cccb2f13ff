import { afterEach, describe, expect, it } from '@jest/globals';
import { WriteBehindBuffer, type WriteBehindDrop, type WriteBehindOptions } from './write-behind-buffer.js';

interface Item {
  n: number;
  /** Makes prepare() throw, as a BigInt in a record's input does. */
  poison?: boolean;
  size?: number;
}
interface Row {
  n: number;
  size: number;
}

/** The store: it can be down (a connection error) or refuse rows by a predicate; it records every write. */
class FakeStore {
  rows: Row[] = [];
  writes: { at: number; size: number }[] = [];
  down = false;
  rejects: (row: Row) => boolean = () => false;
  async write(rows: Row[]): Promise<void> {
    this.writes.push({ at: Date.now(), size: rows.length });
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    if (rows.some(this.rejects))
      throw Object.assign(new Error("Data too long for column 'output'"), { code: 'ER_DATA_TOO_LONG' });
    this.rows.push(...rows);
  }
}

const OPTIONS: WriteBehindOptions = {
  chunkSize: 200,
  flushIntervalMs: 50,
  maxItems: 1_000,
  maxWeight: 1_000_000,
  retry: { retries: 2, firstDelayMs: 20, factor: 4 },
  backoff: { initialMs: 1_000, maxMs: 30_000 },
};

describe('WriteBehindBuffer', () => {
  const buffers: WriteBehindBuffer<Item, Row>[] = [];
  const make = (options: Partial<WriteBehindOptions> = {}) => {
    const store = new FakeStore();
    const drops: WriteBehindDrop<Item, Row>[] = [];
    const log: string[] = [];
    const buffer = new WriteBehindBuffer<Item, Row>(
      {
        prepare: (item) => {
          if (item.poison) throw new Error('Do not know how to serialize a BigInt');
          return { n: item.n, size: item.size ?? 0 };
        },
        weigh: (row) => row.size,
        write: (rows) => store.write(rows),
        isUnavailable: (error) => (error as { code?: string }).code === 'ECONNREFUSED',
      },
      {
        dropped: (drop) => drops.push(drop),
        unavailable: (error, queued) => log.push(`unavailable ${queued}: ${error.message}`),
        recovered: (queued) => log.push(`recovered ${queued}`),
        flushFailed: (error) => log.push(`failed: ${error.message}`),
      },
      { ...OPTIONS, ...options },
    );
    buffers.push(buffer);
    const dropped = () => drops.reduce((sum, drop) => sum + drop.count, 0);
    return { store, buffer, drops, dropped, log };
  };
  const add = (buffer: WriteBehindBuffer<Item, Row>, from: number, to: number, extra: Partial<Item> = {}) => {
    for (let n = from; n < to; n += 1) buffer.add({ n, ...extra });
  };
  afterEach(async () => {
    for (const buffer of buffers.splice(0)) await buffer.close();
  });

  it('add() only queues; flush() writes in chunks of chunkSize, in order', async () => {
    const { store, buffer } = make();
    add(buffer, 0, 450);
    expect(store.rows).toHaveLength(0);
    expect(buffer.size).toBe(450);
    await buffer.flush();
    expect(store.rows.map((row) => row.n)).toEqual(Array.from({ length: 450 }, (_, n) => n));
    expect(store.writes.map((write) => write.size)).toEqual([200, 200, 50]);
    expect(buffer.size).toBe(0);
  });

  it('starts a flush by itself once a chunk is waiting (without the timer), and not before', async () => {
    const { store, buffer } = make();
    add(buffer, 0, 199);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(store.rows).toHaveLength(0);
    buffer.add({ n: 199 });
    const deadline = Date.now() + 2000;
    while (store.rows.length < 200 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(store.rows).toHaveLength(200);
  });

  it('flushes on its own timer once started', async () => {
    const { store, buffer } = make();
    buffer.start();
    buffer.add({ n: 1 });
    const deadline = Date.now() + 2000;
    while (store.rows.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.rows).toHaveLength(1);
  });

  it('retries a chunk with growing delays while the store is down, keeps the rows, then writes them all', async () => {
    const { store, buffer, dropped, log } = make();
    store.down = true;
    add(buffer, 0, 250);
    await buffer.flush();
    // The first chunk was tried 3 times (after 20 ms, then 80 ms),
    // then the buffer stopped: nothing written, nothing lost.
    expect(store.writes).toHaveLength(3);
    const [first, second, third] = store.writes.map((write) => write.at);
    expect(second - first).toBeGreaterThanOrEqual(15);
    expect(third - second).toBeGreaterThanOrEqual(70);
    expect(third - second).toBeGreaterThan(second - first);
    expect(log).toEqual(['unavailable 250: connect ECONNREFUSED 127.0.0.1:3306']);
    expect(store.rows).toHaveLength(0);
    expect(buffer.size).toBe(250);
    store.down = false;
    buffer.add({ n: 250 });
    await buffer.flush();
    expect(store.rows.map((row) => row.n)).toEqual(Array.from({ length: 251 }, (_, n) => n));
    expect(log.at(-1)).toBe('recovered 51');
    expect(dropped()).toBe(0);
  });

  it('backs timer flushes off after an outage; flush() itself ignores the back-off', async () => {
    const { store, buffer } = make({ flushIntervalMs: 10, retry: { retries: 0, firstDelayMs: 1, factor: 1 } });
    store.down = true;
    buffer.add({ n: 1 });
    await buffer.flush();
    expect(store.writes).toHaveLength(1);
    buffer.start();
    // Dozens of timer ticks pass inside the 1 s back-off: none of them writes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.writes).toHaveLength(1);
    store.down = false;
    await buffer.flush();
    expect(store.rows).toHaveLength(1);
  });

  it('drops the oldest beyond maxItems, and reports every drop', async () => {
    const { store, buffer, dropped, drops } = make();
    store.down = true;
    add(buffer, 0, 600);
    await buffer.flush();
    add(buffer, 600, 1_010);
    await buffer.flush();
    expect(buffer.size).toBe(1_000);
    expect(dropped()).toBe(10);
    expect(drops.every((drop) => drop.cause === 'full')).toBe(true);
    store.down = false;
    await buffer.flush();
    expect(store.rows).toHaveLength(1_000);
    expect(store.rows[0].n).toBe(10);
  });

  it('keeps raw items bounded too: a full queue of unflushed items drops its oldest 1 %', () => {
    const { buffer, dropped } = make({ chunkSize: 10_000 });
    add(buffer, 0, 1_005);
    expect(dropped()).toBe(10);
    expect(buffer.size).toBe(995);
  });

  it('drops the oldest rows beyond maxWeight', async () => {
    const { store, buffer, dropped } = make({ maxWeight: 1_000 });
    store.down = true;
    add(buffer, 0, 15, { size: 100 });
    await buffer.flush();
    expect(buffer.size).toBe(10);
    expect(dropped()).toBe(5);
    store.down = false;
    await buffer.flush();
    expect(store.rows.map((row) => row.n)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('writes a refused chunk row by row: only the poison row is dropped, the rest of it is written', async () => {
    const { store, buffer, drops } = make();
    store.rejects = (row) => row.n === 3;
    add(buffer, 0, 6);
    await buffer.flush();
    expect(store.rows.map((row) => row.n)).toEqual([0, 1, 2, 4, 5]);
    // A refusal is not an outage: no retries of the chunk, one attempt per row after it.
    expect(store.writes.map((write) => write.size)).toEqual([6, 1, 1, 1, 1, 1, 1]);
    expect(drops).toEqual([
      {
        cause: 'rejected',
        count: 1,
        row: { n: 3, size: 0 },
        error: expect.objectContaining({ message: "Data too long for column 'output'" }),
      },
    ]);
    expect(buffer.size).toBe(0);
  });

  it('drops an item prepare() cannot turn into a row without failing the others or throwing', async () => {
    const { store, buffer, drops } = make();
    buffer.add({ n: 1, poison: true });
    buffer.add({ n: 2 });
    await expect(buffer.flush()).resolves.toBeUndefined();
    expect(store.rows.map((row) => row.n)).toEqual([2]);
    expect(drops).toEqual([
      {
        cause: 'unpreparable',
        count: 1,
        item: { n: 1, poison: true },
        error: expect.objectContaining({ message: 'Do not know how to serialize a BigInt' }),
      },
    ]);
  });

  it('close() flushes what is left, stops the timer and reports what could not be written', async () => {
    const { store, buffer } = make();
    buffer.start();
    buffer.add({ n: 1 });
    expect(await buffer.close()).toBe(0);
    expect(store.rows).toHaveLength(1);
    store.down = true;
    buffer.add({ n: 2 });
    // Once closed, an unavailable store is not waited for: one attempt, the row is reported unwritten.
    expect(await buffer.close()).toBe(1);
    expect(store.writes).toHaveLength(2);
  });

  it('leaves no rejection unhandled: a non-Error from the store, a handler that throws on a timer flush', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { store, buffer, drops, log } = make({ flushIntervalMs: 10 });
      store.write = async () => {
        // The case under test: a store that throws a non-Error.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'not an error';
      };
      buffer.add({ n: 1 });
      await expect(buffer.flush()).resolves.toBeUndefined();
      expect(drops).toMatchObject([{ cause: 'rejected', row: { n: 1 }, error: { message: 'not an error' } }]);
      drops.push = () => {
        throw new Error('handler broke');
      };
      buffer.start();
      buffer.add({ n: 2 });
      const deadline = Date.now() + 2000;
      while (log.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(log).toEqual(['failed: handler broke']);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
