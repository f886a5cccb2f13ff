import { describe, expect, it } from '@jest/globals';
import { DriftWindow } from './drift-window.js';
import { binOf, computeReference, populationStabilityIndex } from './reference-stats.js';

describe('reference statistics and PSI', () => {
  it('puts values in the bin whose edges hold them; values outside fall into the outer bins', () => {
    const edges = [0, 10, 20, 30];
    expect([-5, 0, 9.99, 10, 25, 30, 99].map((value) => binOf(edges, value))).toEqual([0, 0, 0, 1, 2, 2, 2]);
  });

  it('cuts decile bins with the reference shares, and one bin per distinct value of a discrete feature', () => {
    const data = Float32Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? i / 2 : i % 4 === 1 ? 1 : 3));
    const { rows, features } = computeReference(data, 1000, 2, ['x']);
    expect(rows).toBe(1000);
    expect(features[0]).toMatchObject({ name: 'x', mean: 499.5, edges: expect.any(Array) });
    expect(features[0].edges).toHaveLength(11);
    for (const share of features[0].proportions) expect(share).toBeCloseTo(0.1, 2);
    expect(features[1].name).toBe('feature_1');
    expect(features[1].edges).toEqual([1, 3, 4]);
    expect(features[1].proportions).toEqual([0.5, 0.5]);
  });

  it('is 0 for the reference shares, grows with the shift, and stays finite for empty bins', () => {
    const expected = [0.25, 0.25, 0.25, 0.25];
    expect(populationStabilityIndex(expected, [25, 25, 25, 25], 100)).toBe(0);
    const small = populationStabilityIndex(expected, [20, 30, 25, 25], 100);
    const large = populationStabilityIndex(expected, [0, 0, 0, 100], 100);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(Number.isFinite(large)).toBe(true);
  });

  it('keeps only the last rows of its window', () => {
    const reference = computeReference(
      Float32Array.from({ length: 100 }, (_, i) => i),
      100,
      1,
    );
    const window = new DriftWindow(reference, 10);
    window.add(
      Float32Array.from({ length: 10 }, () => 95),
      10,
      Date.parse('2026-01-01T00:00:00Z'),
    );
    expect(window.report(0.2, 5).drifted).toBe(true);
    window.add(
      Float32Array.from({ length: 10 }, (_, i) => i * 10 + 5),
      10,
      Date.parse('2026-01-01T00:00:01Z'),
    );
    const report = window.report(0.2, 5);
    expect(report.window).toEqual({ rows: 10, from: '2026-01-01T00:00:01.000Z', to: '2026-01-01T00:00:01.000Z' });
    expect(report.features[0].psi).toBeCloseTo(0, 6);
    expect(report.drifted).toBe(false);
  });
});
