/**
 * Reference statistics of a version's inputs and the population stability index (PSI) of live
 * inputs against them. Pure functions over packed rows (row-major Float32Array), shared by the
 * server, the upload checks and `npm run train`, so the bins are cut one way everywhere.
 */

/** One input feature's reference: moments and a histogram (bins[i] = [edges[i], edges[i + 1])). */
export interface ReferenceFeature {
  name: string;
  mean: number;
  std: number;
  /** Strictly increasing; the outer bins are open-ended for live values (below the first, above the last). */
  edges: number[];
  /** The share of reference rows in each bin; one fewer than the edges, summing to 1. */
  proportions: number[];
}

export interface ReferenceStatistics {
  rows: number;
  features: ReferenceFeature[];
}

/** Equal-frequency bins, the usual cut for PSI (deciles). */
export const REFERENCE_BINS = 10;
/** An empty bin's share in the PSI sum, so ln(a / e) stays finite (the customary 1e-4). */
const EMPTY_BIN_SHARE = 1e-4;

/** The name a feature is reported by: the version's featureNames, else its position. */
export const featureNameAt = (featureNames: readonly string[] | null | undefined, index: number): string =>
  featureNames?.[index] ?? `feature_${index}`;

/** Computes the reference of `rows` rows of `rowSize` features each. */
export function computeReference(
  data: ArrayLike<number>,
  rows: number,
  rowSize: number,
  featureNames?: readonly string[] | null,
  bins = REFERENCE_BINS,
): ReferenceStatistics {
  const features: ReferenceFeature[] = [];
  const column = new Float64Array(rows);
  for (let feature = 0; feature < rowSize; feature += 1) {
    for (let row = 0; row < rows; row += 1) column[row] = data[row * rowSize + feature];
    features.push(describeColumn(featureNameAt(featureNames, feature), column, bins));
  }
  return { rows, features };
}

function describeColumn(name: string, values: Float64Array, bins: number): ReferenceFeature {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  const sorted = Float64Array.from(values).sort();
  const edges = quantileEdges(sorted, bins);
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const value of values) counts[binOf(edges, value)] += 1;
  return {
    name,
    mean: round(mean),
    std: round(Math.sqrt(variance)),
    edges,
    proportions: counts.map((count) => count / values.length),
  };
}

/**
 * Bin edges at the quantiles of sorted values: each bin starts at a decile, duplicates dropped (a
 * discrete feature such as an item count has fewer distinct cuts than bins), and the last edge is
 * the maximum. When the maximum itself starts a bin (a discrete or constant feature), the last edge
 * is one above it, so that value keeps a bin of its own.
 */
function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let cut = 0; cut < bins; cut += 1) {
    const value = round(sorted[Math.floor((cut / bins) * sorted.length)]);
    if (edges.length === 0 || value > edges[edges.length - 1]) edges.push(value);
  }
  const max = round(sorted[sorted.length - 1]);
  edges.push(max > edges[edges.length - 1] ? max : max + 1);
  return edges;
}

/** The bin of a value: binary search over the edges; values outside fall into the outer bins. */
export function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (value >= edges[middle]) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** PSI = Σ (a − e)·ln(a / e) over the bins, shares below EMPTY_BIN_SHARE raised to it. */
export function populationStabilityIndex(
  expected: readonly number[],
  counts: ArrayLike<number>,
  total: number,
): number {
  let sum = 0;
  for (let bin = 0; bin < expected.length; bin += 1) {
    const e = Math.max(expected[bin], EMPTY_BIN_SHARE);
    const a = Math.max(counts[bin] / total, EMPTY_BIN_SHARE);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

const round = (value: number) => Number(value.toPrecision(12));
