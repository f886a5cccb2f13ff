import { ValidationFailedError, type FieldError } from '@app/common';

export interface RowLayout {
  /** One row's shape, without the batch dimension. */
  inputShape: number[];
  featureNames: string[] | null;
}

export interface PackedRows {
  data: Float32Array;
  rows: number;
}

const MAX_REPORTED_ERRORS = 20;
/**
 * Turns `inputs` — one row or a list of rows; a row being a number array shaped like the model's
 * input (nested, or flat with the same size) or, for flat inputs, an object keyed by featureNames —
 * into one packed Float32Array, before any tensor is built. Every refusal names the row and why.
 * This is the one place rows are validated: libs/inference only asserts that the packed length fits
 * (an internal invariant, not a user-facing check).
 */
export function packRows(inputs: unknown, layout: RowLayout, maxRows: number, field = 'inputs'): PackedRows {
  const rowSize = layout.inputShape.reduce((product, size) => product * size, 1);
  const rows = splitRows(inputs, layout, field);
  if (rows.length === 0)
    throw new ValidationFailedError(
      [{ field, message: 'inputs must hold at least one row' }],
      undefined,
      'INFERENCE_INPUT_INVALID',
    );
  if (rows.length > maxRows)
    throw new ValidationFailedError(
      [{ field, message: `inputs may hold at most ${maxRows} rows, got ${rows.length}` }],
      undefined,
      'INFERENCE_INPUT_INVALID',
    );
  const data = new Float32Array(rows.length * rowSize);
  const errors: FieldError[] = [];
  rows.forEach((row, index) => {
    const where = rows.length === 1 && !isBatch(inputs, layout) ? field : `${field}.${index}`;
    const problem = writeRow(row, layout, rowSize, data, index * rowSize);
    if (problem && errors.length < MAX_REPORTED_ERRORS)
      errors.push({
        field: problem.path ? `${where}.${problem.path}` : where,
        message: `row ${index}: ${problem.message}`,
      });
  });
  if (errors.length)
    throw new ValidationFailedError(
      errors,
      errors.length === 1 ? errors[0].message : 'Some input rows are invalid',
      'INFERENCE_INPUT_INVALID',
    );
  return { data, rows: rows.length };
}

function depth(value: unknown): number {
  let levels = 0;
  let current = value;
  while (Array.isArray(current)) {
    levels += 1;
    current = current[0];
  }
  return levels;
}

/** A batch is a list whose items are rows: objects, or arrays one level deeper than a row. */
function isBatch(inputs: unknown, layout: RowLayout): boolean {
  if (!Array.isArray(inputs)) return false;
  const first = inputs[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) return true;
  const rank = layout.inputShape.length;
  const levels = depth(inputs);
  // A flat array of a multi-dimensional row's size is one row; a list of those is a batch.
  return levels === rank + 1 || (rank > 1 && levels === 2);
}

/** The rows of `inputs` as a list (a single row becomes a list of one). */
export function splitRows(inputs: unknown, layout: RowLayout, field = 'inputs'): unknown[] {
  if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs)) return [inputs];
  if (!Array.isArray(inputs))
    throw new ValidationFailedError(
      [{ field, message: 'inputs must be a row (array or object) or a list of rows' }],
      undefined,
      'INFERENCE_INPUT_INVALID',
    );
  if (inputs.length === 0) return [];
  return isBatch(inputs, layout) ? inputs : [inputs];
}

function writeRow(
  row: unknown,
  layout: RowLayout,
  rowSize: number,
  target: Float32Array,
  offset: number,
): { path?: string; message: string } | undefined {
  if (row !== null && typeof row === 'object' && !Array.isArray(row))
    return writeObjectRow(row as Record<string, unknown>, layout, target, offset);
  if (!Array.isArray(row)) return { message: 'a row must be an array of numbers or an object keyed by feature name' };
  const values = layout.inputShape.length > 1 && depth(row) > 1 ? flattenShaped(row, layout.inputShape) : row;
  if (typeof values === 'string') return { message: values };
  if (values.length !== rowSize) return { message: `expected ${rowSize} values, got ${values.length}` };
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (typeof value !== 'number') return { path: String(index), message: `value ${index} is not a number` };
    if (!Number.isFinite(value))
      return { path: String(index), message: `value ${index} is ${Number.isNaN(value) ? 'NaN' : 'Infinity'}` };
    target[offset + index] = value;
    if (!Number.isFinite(target[offset + index]))
      return { path: String(index), message: `value ${index} is outside the float32 range (±3.4e38)` };
  }
  return undefined;
}

function writeObjectRow(
  row: Record<string, unknown>,
  layout: RowLayout,
  target: Float32Array,
  offset: number,
): { path?: string; message: string } | undefined {
  if (!layout.featureNames) return { message: 'this model has no featureNames: send rows as number arrays' };
  const unknown = Object.keys(row).filter((key) => !layout.featureNames!.includes(key));
  if (unknown.length) return { path: unknown[0], message: `unknown feature '${unknown[0]}'` };
  for (const [index, feature] of layout.featureNames.entries()) {
    const value = row[feature];
    if (value === undefined) return { path: feature, message: `missing feature '${feature}'` };
    if (typeof value !== 'number') return { path: feature, message: `feature '${feature}' is not a number` };
    if (!Number.isFinite(value))
      return { path: feature, message: `feature '${feature}' is ${Number.isNaN(value) ? 'NaN' : 'Infinity'}` };
    target[offset + index] = value;
    if (!Number.isFinite(target[offset + index]))
      return { path: feature, message: `feature '${feature}' is outside the float32 range (±3.4e38)` };
  }
  return undefined;
}

/** Flattens a nested row, checking each level against the shape; returns a message on mismatch. */
function flattenShaped(row: unknown[], shape: number[]): unknown[] | string {
  const flat: unknown[] = [];
  const walk = (value: unknown, level: number): string | undefined => {
    if (level === shape.length) {
      flat.push(value);
      return undefined;
    }
    if (!Array.isArray(value) || value.length !== shape[level]) {
      return `expected shape ${JSON.stringify(shape)}: dimension ${level} should have ${shape[level]} entries`;
    }
    for (const item of value) {
      const problem = walk(item, level + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(row, 0) ?? flat;
}
