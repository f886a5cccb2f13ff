import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertRows } from '@app/database';
import { InferenceRecord } from '@app/serving/inference/records/inference-record.entity.js';
import {
  InferenceRecordsRepository,
  type NewRecordRow,
} from '@app/serving/inference/records/inference-records.repository.js';
import { createInProcessApp, type InProcessApp } from '../helpers/in-process-app.js';
import { testEngine } from '../setup/test-database.js';

// In-process (createInProcessApp), not the shipped bundle: it drives InferenceRecordsRepository directly to compare
// two INSERT paths row by row.

/**
 * The prediction log's INSERT is prebuilt text with bound values (PrebuiltInsert), not TypeORM's
 * InsertQueryBuilder: the same rows through the old path and the new must be stored identically,
 * column by column as the database returns them, on the engine under test (SQLite and MariaDB).
 */
describe('the prediction log INSERT', () => {
  let t: InProcessApp;
  let repository: InferenceRecordsRepository;

  beforeAll(async () => {
    t = await createInProcessApp();
    repository = t.app.get(InferenceRecordsRepository);
  });
  afterAll(() => t?.close());

  const rows = (model: string): NewRecordRow[] => [
    {
      model,
      version: '1.0.0',
      source: 'http',
      userId: 7,
      inputHash: 'a'.repeat(64),
      output: '[{"label":"ok","p":0.25}]',
      latencyMs: 3.138,
      success: true,
      error: null,
      createdAt: new Date('2026-12-02T06:20:17.123Z'),
    },
    {
      model,
      version: 'v2',
      source: 'job',
      userId: null,
      inputHash: 'b'.repeat(64),
      output: null,
      latencyMs: 0,
      success: false,
      error: "model said 'no' — ünïcödé",
      createdAt: new Date('2026-01-31T23:59:59.999Z'),
    },
    {
      model,
      version: '1.0.0',
      source: 'shadow',
      userId: 2147483647,
      inputHash: 'c'.repeat(64),
      output: '{"truncated":true}',
      latencyMs: 1234.5678901,
      success: true,
      error: '',
      createdAt: new Date('2026-06-15T12:00:00.000Z'),
    },
  ];

  /** The stored rows of a model, in insertion order, without their ids. */
  async function stored(model: string): Promise<Record<string, unknown>[]> {
    const found = await t.dataSource
      .getRepository(InferenceRecord)
      .createQueryBuilder('record')
      .where('record.model = :model', { model })
      .orderBy('record.id', 'ASC')
      .getRawMany<Record<string, unknown>>();
    return found.map(({ record_id: _id, record_model: _model, ...rest }) => rest);
  }

  it('stores the same rows as the query builder did, one chunk or several', async () => {
    await insertRows(t.dataSource.manager, InferenceRecord, rows('insert-old'), 3);
    await repository.insertMany(rows('insert-new'));
    const old = await stored('insert-old');
    expect(old).toHaveLength(3);
    expect(await stored('insert-new')).toEqual(old);
    if (testEngine() === 'sqlite') {
      // SQLite keeps each value's own type: an integer stays INTEGER, a date the same text.
      const types = (model: string) =>
        t.dataSource.query(
          'SELECT typeof("userId") u, typeof("latencyMs") l, typeof("success") s, typeof("createdAt") c, ' +
            '"createdAt" at FROM "inference_records" WHERE "model" = ? ORDER BY "id"',
          [model],
        );
      expect(await types('insert-new')).toEqual(await types('insert-old'));
    }
    // And read back as entities (the list endpoint's path), the same values the writer handed in.
    const entities = await t.dataSource
      .getRepository(InferenceRecord)
      .find({ where: { model: 'insert-new' }, order: { id: 'ASC' } });
    expect(entities.map(({ id: _id, ...rest }) => rest)).toEqual(rows('insert-new'));
  });

  it('writes more rows than fit in one statement in chunks', async () => {
    const many = Array.from({ length: 1203 }, (_, index) => ({ ...rows('insert-many')[index % 3], latencyMs: index }));
    await repository.insertMany(many);
    const found = await stored('insert-many');
    expect(found).toHaveLength(1203);
    expect(found.map((row) => Number(row.record_latencyMs))).toEqual(many.map((row) => row.latencyMs));
  });
});
