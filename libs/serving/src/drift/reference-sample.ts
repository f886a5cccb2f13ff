import { DomainError } from '@app/common';
import type { PackedRows } from '../inference/input-rows.js';
import { checkFeatureCount, referenceRefusal, type ReferenceTarget } from './reference-file.js';
import { computeReference, type ReferenceStatistics } from './reference-stats.js';

/** A sample needs enough rows for its decile bins to mean something, and no more than memory allows. */
export const SAMPLE_LIMITS = { minRows: 100, maxRows: 200_000, maxBytes: 32 * 1024 * 1024 } as const;

/**
 * Computes a reference from an uploaded sample of inputs: JSON (an array of rows, each as /predict
 * takes it: numbers, nested arrays or an object keyed by featureNames) or CSV (numbers only, one row
 * per line, optionally under a header naming the features in any order). JSON rows are checked by
 * `packJsonRows`, the predictions' own check (inference/input-rows.ts, passed in by the caller since
 * the inference path imports this folder), so a sample the model could not serve is refused.
 */
export function referenceFromSample(
  buffer: Buffer,
  filename: string,
  target: SampleTarget,
  packJsonRows: PackJsonRows,
): ReferenceStatistics {
  checkFeatureCount(target.rowSize, target);
  if (buffer.length > SAMPLE_LIMITS.maxBytes)
    throw referenceRefusal(`referenceSample is ${buffer.length} bytes; at most ${SAMPLE_LIMITS.maxBytes} are read`);
  const text = buffer.toString('utf8');
  const looksJson = /^\s*[[{]/.test(text) || filename.toLowerCase().endsWith('.json');
  const packed = looksJson ? packJson(text, target, packJsonRows) : packCsv(text, target);
  if (packed.rows < SAMPLE_LIMITS.minRows)
    throw referenceRefusal(`referenceSample holds ${packed.rows} rows; at least ${SAMPLE_LIMITS.minRows} are needed`);
  return computeReference(packed.data, packed.rows, target.rowSize, target.featureNames);
}

export type SampleTarget = ReferenceTarget & { inputShape: number[] };
export type PackJsonRows = (rows: unknown[], target: SampleTarget, maxRows: number, field: string) => PackedRows;

function packJson(text: string, target: SampleTarget, packJsonRows: PackJsonRows): PackedRows {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw referenceRefusal('referenceSample is neither valid JSON nor CSV of numbers');
  }
  if (!Array.isArray(rows)) throw referenceRefusal('referenceSample (JSON) must be an array of rows');
  try {
    return packJsonRows(rows, target, SAMPLE_LIMITS.maxRows, 'referenceSample');
  } catch (error) {
    // The row checks' own message and field details, under this upload's code.
    if (error instanceof DomainError) throw referenceRefusal(`referenceSample: ${error.message}`);
    throw error;
  }
}

function packCsv(text: string, target: ReferenceTarget): PackedRows {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const order = headerOrder(lines[0]?.split(',') ?? [], target);
  const body = order ? lines.slice(1) : lines;
  if (body.length > SAMPLE_LIMITS.maxRows)
    throw referenceRefusal(`referenceSample holds ${body.length} rows; at most ${SAMPLE_LIMITS.maxRows} are read`);
  const data = new Float32Array(body.length * target.rowSize);
  body.forEach((line, row) => {
    const cells = line.split(',');
    if (cells.length !== target.rowSize)
      throw referenceRefusal(`referenceSample line ${row + 1}: ${cells.length} values, expected ${target.rowSize}`);
    cells.forEach((cell, column) => {
      const value = cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(value) || Math.abs(value) > 3.4e38)
        throw referenceRefusal(`referenceSample line ${row + 1}, column ${column + 1}: not a finite number`);
      data[row * target.rowSize + (order ? order[column] : column)] = value;
    });
  });
  return { data, rows: body.length };
}

/** A header row (any non-numeric cell) maps its columns onto the model's features by name. */
function headerOrder(cells: string[], target: ReferenceTarget): number[] | undefined {
  if (cells.every((cell) => cell.trim() !== '' && Number.isFinite(Number(cell)))) return undefined;
  const names = cells.map((cell) => cell.trim());
  if (!target.featureNames) throw referenceRefusal('referenceSample has a header, but the model has no featureNames');
  const order = names.map((name) => target.featureNames!.indexOf(name));
  if (order.length !== target.rowSize || order.includes(-1) || new Set(order).size !== target.rowSize)
    throw referenceRefusal(`referenceSample header must name each of ${target.featureNames.join(', ')} once`);
  return order;
}
