import { binOf, populationStabilityIndex, type ReferenceStatistics } from './reference-stats.js';

export interface FeatureDrift {
  name: string;
  /** Null while the window is empty. */
  psi: number | null;
  drifted: boolean;
}

export interface DriftReport {
  window: { rows: number; from: string | null; to: string | null };
  features: FeatureDrift[];
  drifted: boolean;
  threshold: number;
}

/**
 * The last `capacity` live input rows of one version, kept as each row's bin per feature (one byte
 * each: at most 100 bins) in a ring, beside running bin counts: adding a row costs a binary search
 * per feature, and a PSI report reads only the counts, whatever the window's size.
 */
export class DriftWindow {
  private readonly width: number;
  private readonly slots: Uint8Array;
  private readonly times: Float64Array;
  private readonly counts: Uint32Array[];
  private next = 0;
  private size = 0;
  /** Set once the window first crosses the threshold: the crossing is reported once. */
  crossed = false;

  constructor(
    readonly reference: ReferenceStatistics,
    private readonly capacity: number,
  ) {
    this.width = reference.features.length;
    this.slots = new Uint8Array(capacity * this.width);
    this.times = new Float64Array(capacity);
    this.counts = reference.features.map((feature) => new Uint32Array(feature.proportions.length));
  }

  /** Adds packed rows (row-major, `width` values each), received at `at` (epoch ms). */
  add(data: ArrayLike<number>, rows: number, at: number): void {
    const features = this.reference.features;
    for (let row = 0; row < rows; row += 1) {
      const slot = this.next * this.width;
      const full = this.size === this.capacity;
      for (let feature = 0; feature < this.width; feature += 1) {
        if (full) this.counts[feature][this.slots[slot + feature]] -= 1;
        const bin = binOf(features[feature].edges, data[row * this.width + feature]);
        this.slots[slot + feature] = bin;
        this.counts[feature][bin] += 1;
      }
      this.times[this.next] = at;
      this.next = (this.next + 1) % this.capacity;
      if (!full) this.size += 1;
    }
  }

  /** Per-feature PSI; a feature is drifted above the threshold once the window holds `minRows`. */
  report(threshold: number, minRows: number): DriftReport {
    const enough = this.size >= minRows;
    const features = this.reference.features.map((feature, index) => {
      const psi = this.size === 0 ? null : populationStabilityIndex(feature.proportions, this.counts[index], this.size);
      return { name: feature.name, psi, drifted: enough && psi !== null && psi > threshold };
    });
    const oldest = this.size === this.capacity ? this.next : 0;
    const newest = (this.next - 1 + this.capacity) % this.capacity;
    return {
      window: {
        rows: this.size,
        from: this.size ? new Date(this.times[oldest]).toISOString() : null,
        to: this.size ? new Date(this.times[newest]).toISOString() : null,
      },
      features,
      drifted: features.some((feature) => feature.drifted),
      threshold,
    };
  }
}
