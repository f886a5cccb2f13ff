import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { MetricsService } from '../../metrics/metrics.service.js';
import {
  boundedJson,
  InferenceRecordWriter,
  inputHash,
  MAX_OUTPUT_BYTES,
  RECORD_CHUNK_ROWS,
  type NewInferenceRecord,
} from './inference-record.writer.js';
import type { InferenceRecordsRepository, NewRecordRow } from './inference-records.repository.js';

/** The repository port replaced: it can be down (a connection error) or reject rows by a predicate. */
class FakeRecords {
  rows: NewRecordRow[] = [];
  statements = 0;
  down = false;
  rejects: (row: NewRecordRow) => boolean = () => false;
  async insertMany(rows: NewRecordRow[]): Promise<void> {
    this.statements += 1;
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    if (rows.some(this.rejects))
      throw Object.assign(new Error("Data too long for column 'output'"), { code: 'ER_DATA_TOO_LONG' });
    this.rows.push(...rows);
  }
  isConnected(): boolean {
    return true;
  }
}

const entry = (latencyMs: number, overrides: Partial<NewInferenceRecord> = {}): NewInferenceRecord => ({
  model: 'm',
  version: '1',
  source: 'http',
  userId: null,
  input: [latencyMs],
  output: [{ value: latencyMs }],
  latencyMs,
  success: true,
  ...overrides,
});

describe('InferenceRecordWriter', () => {
  // The writer's warnings (outage, drops) are expected here.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  const writers: InferenceRecordWriter[] = [];
  const make = () => {
    const records = new FakeRecords();
    const metrics = new MetricsService();
    const writer = new InferenceRecordWriter(records as unknown as InferenceRecordsRepository, metrics);
    writers.push(writer);
    const dropped = async () => (await metrics.recordsDropped.get()).values[0]?.value ?? 0;
    return { records, metrics, writer, dropped };
  };
  afterEach(async () => {
    for (const writer of writers.splice(0)) await writer.onApplicationShutdown();
  });

  // The buffer's engine (bounds, chunking, retries, back-off, row-by-row fallback) has its own spec
  // (libs/common/src/write-behind); these check what the writer adds: rows, metrics, lifecycle.
  it('writes records as rows with the time of the call, in multi-row INSERTs of RECORD_CHUNK_ROWS', async () => {
    const { records, writer } = make();
    const before = Date.now();
    for (let index = 0; index < 450; index += 1) writer.record(entry(index));
    expect(records.rows).toHaveLength(0);
    expect(writer.bufferedCount).toBe(450);
    await writer.flush();
    expect(records.rows.map((row) => row.latencyMs)).toEqual(Array.from({ length: 450 }, (_, index) => index));
    expect(records.statements).toBe(Math.ceil(450 / RECORD_CHUNK_ROWS));
    expect(records.rows[0]).toMatchObject({
      model: 'm',
      version: '1',
      source: 'http',
      userId: null,
      success: true,
      error: null,
      output: '[{"value":0}]',
      inputHash: inputHash([0]),
    });
    expect(records.rows[0].createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(writer.bufferedCount).toBe(0);
  });

  it('flushes on its own timer once the module is initialised', async () => {
    const { records, writer } = make();
    writer.onModuleInit();
    writer.record(entry(1));
    const deadline = Date.now() + 2000;
    while (records.rows.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(records.rows).toHaveLength(1);
  });

  it('keeps the rows through an outage (retried, never lost) and writes them once the database is back', async () => {
    const { records, writer, dropped } = make();
    records.down = true;
    for (let index = 0; index < 250; index += 1) writer.record(entry(index));
    await writer.flush();
    // The first chunk was tried 3 times, then the writer stopped: nothing written, nothing lost.
    expect(records.statements).toBe(3);
    expect(records.rows).toHaveLength(0);
    expect(writer.bufferedCount).toBe(250);
    records.down = false;
    writer.record(entry(250));
    await writer.flush();
    expect(records.rows.map((row) => row.latencyMs)).toEqual(Array.from({ length: 251 }, (_, index) => index));
    expect(await dropped()).toBe(0);
  });

  it('drops the oldest beyond 100 000 queued records, counted in the metric', async () => {
    const { records, writer, dropped } = make();
    records.down = true;
    for (let index = 0; index < 60_000; index += 1) writer.record(entry(index, { input: null, output: null }));
    await writer.flush();
    for (let index = 60_000; index < 100_010; index += 1) writer.record(entry(index, { input: null, output: null }));
    await writer.flush();
    expect(writer.bufferedCount).toBe(100_000);
    expect(await dropped()).toBe(10);
    records.down = false;
    await writer.flush();
    expect(records.rows).toHaveLength(100_000);
    expect(records.rows[0].latencyMs).toBe(10);
  });

  it('drops only the rows the database rejects; the rest of their chunk is written', async () => {
    const { records, writer, dropped } = make();
    records.rejects = (row) => row.latencyMs === 3;
    for (let index = 0; index < 6; index += 1) writer.record(entry(index));
    await writer.flush();
    expect(records.rows.map((row) => row.latencyMs)).toEqual([0, 1, 2, 4, 5]);
    expect(await dropped()).toBe(1);
    expect(writer.bufferedCount).toBe(0);
  });

  it('drops an unserialisable record without failing the others or throwing', async () => {
    const { records, writer, dropped } = make();
    writer.record(entry(1, { input: { n: 10n } }));
    writer.record(entry(2));
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(records.rows.map((row) => row.latencyMs)).toEqual([2]);
    expect(await dropped()).toBe(1);
  });

  it('drops, without throwing, inputs nested deeper than the stack (arrays over an object, objects)', async () => {
    // HTTP bodies are refused past JSON_MAX_DEPTH; a caller in the process is not, and the hash recurses.
    let arrays: unknown = { b: 1, a: 2 };
    let objects: unknown = 1;
    for (let level = 0; level < 200_000; level += 1) {
      arrays = [arrays];
      objects = { inner: objects };
    }
    const { records, writer, dropped } = make();
    writer.record(entry(1, { input: arrays }));
    writer.record(entry(2, { input: objects }));
    writer.record(entry(3));
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(records.rows.map((row) => row.latencyMs)).toEqual([3]);
    expect(await dropped()).toBe(2);
  });

  it('makes every row fit its columns: names, latency, error text', async () => {
    const { records, writer } = make();
    writer.record(
      entry(Number.NaN, {
        model: 'x'.repeat(100),
        version: 'v'.repeat(100),
        success: false,
        error: 'e'.repeat(10_000),
        output: undefined,
      }),
    );
    await writer.flush();
    expect(records.rows[0]).toMatchObject({
      model: 'x'.repeat(64),
      version: 'v'.repeat(64),
      latencyMs: 0,
      output: null,
    });
    expect(records.rows[0].error).toHaveLength(2000);
  });

  it('flushes what is left on shutdown', async () => {
    const { records, writer } = make();
    writer.onModuleInit();
    writer.record(entry(1));
    await writer.beforeApplicationShutdown();
    writer.record(entry(2));
    await writer.onApplicationShutdown();
    expect(records.rows).toHaveLength(2);
  });

  it('counts what shutdown could not write as dropped', async () => {
    const { records, writer, dropped } = make();
    records.down = true;
    writer.record(entry(1));
    writer.record(entry(2));
    await writer.onApplicationShutdown();
    expect(records.rows).toHaveLength(0);
    expect(await dropped()).toBe(2);
  });
});

describe('inputHash', () => {
  it('hashes the canonical JSON: keys sorted at every depth, by code unit, whatever the row types', () => {
    const sha = (json: string) => createHash('sha256').update(json).digest('hex');
    expect(inputHash({ b: 1, a: { d: 1, c: 2 } })).toBe(inputHash({ a: { c: 2, d: 1 }, b: 1 }));
    expect(inputHash([[1, 2], { b: 1, a: 2 }])).toBe(sha('[[1,2],{"a":2,"b":1}]'));
    expect(inputHash({ b: 1, B: 2, a: 3 })).toBe(sha('{"B":2,"a":3,"b":1}'));
    expect(inputHash([[1, 2]])).toBe(sha('[[1,2]]'));
    expect(inputHash(undefined)).toBe(sha('null'));
  });
});

describe('boundedJson', () => {
  const bytes = (json: string) => Buffer.byteLength(json, 'utf8');

  it('keeps small outputs as they are', () => {
    expect(boundedJson([{ value: 1 }])).toBe('[{"value":1}]');
  });

  it('summarises a long array with its row count and first 50 entries', () => {
    const summary = JSON.parse(boundedJson(Array.from({ length: 10_000 }, (_, index) => ({ value: index }))));
    expect(summary).toMatchObject({ truncated: true, rows: 10_000 });
    expect(summary.head).toHaveLength(50);
  });

  it('stays under the byte limit even when 50 entries are too large, and with multi-byte text', () => {
    const wide = Array.from({ length: 100 }, () => ({
      probabilities: Array.from({ length: 1000 }, (_, index) => index / 7),
    }));
    const json = boundedJson(wide);
    expect(bytes(json)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    expect(JSON.parse(json)).toMatchObject({ truncated: true, rows: 100 });
    const multiByte = boundedJson(Array.from({ length: 5 }, () => ({ label: '異常'.repeat(5000) })));
    expect(bytes(multiByte)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
    expect(boundedJson({ blob: 'x'.repeat(100_000) })).toBe('{"truncated":true}');
  });
});
