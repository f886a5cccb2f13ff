import { BadRequestError } from '@app/common';
import { featureNameAt, type ReferenceFeature, type ReferenceStatistics } from './reference-stats.js';

/** Limits on what a reference may hold: each feature's stats are one row of a few kilobytes. */
export const REFERENCE_LIMITS = {
  maxBytes: 1024 * 1024,
  maxFeatures: 1024,
  maxBins: 100,
  /** How far the proportions may sum from 1 (rounding in whoever wrote the file). */
  proportionSlack: 1e-3,
} as const;

/** The version an uploaded reference must describe. */
export interface ReferenceTarget {
  rowSize: number;
  featureNames: string[] | null;
}

export const rowSizeOf = (inputShape: readonly number[]) => inputShape.reduce((product, size) => product * size, 1);

export const referenceRefusal = (message: string) => new BadRequestError('MODEL_REFERENCE_INVALID', message);

/**
 * Reads and checks an uploaded reference file (`{ rows?, features: [{ name?, mean, std, edges,
 * proportions }] }`, the shape `npm run train` writes): one feature per input value, finite
 * numbers, strictly increasing edges, proportions that sum to 1. Any fault is a 400 naming it.
 */
export function parseReferenceFile(buffer: Buffer, target: ReferenceTarget): ReferenceStatistics {
  if (buffer.length > REFERENCE_LIMITS.maxBytes)
    throw referenceRefusal(`reference is ${buffer.length} bytes; at most ${REFERENCE_LIMITS.maxBytes} are read`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    throw referenceRefusal('reference is not valid JSON');
  }
  if (!isObject(parsed) || !Array.isArray(parsed.features))
    throw referenceRefusal('reference must be a JSON object with a features array');
  checkFeatureCount(parsed.features.length, target);
  const features = parsed.features.map((feature, index) => checkFeature(feature, index, target));
  const rows = parsed.rows === undefined ? 0 : parsed.rows;
  if (!Number.isSafeInteger(rows) || (rows as number) < 0)
    throw referenceRefusal('reference rows must be a non-negative integer');
  return { rows: rows as number, features };
}

export function checkFeatureCount(count: number, target: ReferenceTarget): void {
  if (target.rowSize > REFERENCE_LIMITS.maxFeatures)
    throw referenceRefusal(
      `drift is tracked for at most ${REFERENCE_LIMITS.maxFeatures} input values per row; ` +
        `this model takes ${target.rowSize}`,
    );
  if (count !== target.rowSize)
    throw referenceRefusal(`reference describes ${count} features; the model takes ${target.rowSize} values per row`);
}

function checkFeature(value: unknown, index: number, target: ReferenceTarget): ReferenceFeature {
  const where = `features[${index}]`;
  if (!isObject(value)) throw referenceRefusal(`${where} must be an object`);
  const name = featureNameAt(target.featureNames, index);
  if (value.name !== undefined && value.name !== name)
    throw referenceRefusal(`${where}.name is ${JSON.stringify(value.name)}; the model's feature ${index} is '${name}'`);
  const mean = finite(value.mean, `${where}.mean`);
  const std = finite(value.std, `${where}.std`);
  if (std < 0) throw referenceRefusal(`${where}.std must not be negative`);
  const edges = finiteList(value.edges, `${where}.edges`, 2, REFERENCE_LIMITS.maxBins + 1);
  for (let i = 1; i < edges.length; i += 1)
    if (!(edges[i] > edges[i - 1])) throw referenceRefusal(`${where}.edges must be strictly increasing`);
  const proportions = finiteList(value.proportions, `${where}.proportions`, 1, REFERENCE_LIMITS.maxBins);
  if (proportions.length !== edges.length - 1)
    throw referenceRefusal(`${where}.proportions must hold one share per bin (${edges.length - 1})`);
  if (proportions.some((share) => share < 0 || share > 1))
    throw referenceRefusal(`${where}.proportions must lie between 0 and 1`);
  const total = proportions.reduce((sum, share) => sum + share, 0);
  if (Math.abs(total - 1) > REFERENCE_LIMITS.proportionSlack)
    throw referenceRefusal(`${where}.proportions sum to ${total}, not 1`);
  return { name, mean, std, edges, proportions };
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw referenceRefusal(`${where} must be a finite number`);
  return value;
}

function finiteList(value: unknown, where: string, min: number, max: number): number[] {
  if (!Array.isArray(value) || value.length < min || value.length > max)
    throw referenceRefusal(`${where} must be an array of ${min} to ${max} numbers`);
  return value.map((item, index) => finite(item, `${where}[${index}]`));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
