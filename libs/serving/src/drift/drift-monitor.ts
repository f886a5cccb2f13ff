import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DriftEvents } from './drift-events.js';
import { DriftMetrics } from './drift-metrics.js';
import { DriftWindow, type DriftReport } from './drift-window.js';
import { ModelReferencesRepository } from './model-references.repository.js';
import { ShippedReferencesInstaller } from './shipped-references.installer.js';

/** Rows waiting to be binned, across versions; beyond this, new rows are dropped (and counted). */
const MAX_PENDING_ROWS = 100_000;
/** A window's ring (one byte per feature per row) stays within this, however wide the input. */
const MAX_WINDOW_BYTES = 16 * 1024 * 1024;

interface WindowEntry {
  name: string;
  version: string;
  window: Promise<DriftWindow | null>;
  /** When a lookup found no reference: asked again after NO_REFERENCE_RECHECK_MS. */
  noneSince?: number;
}

/**
 * References never change once stored, but another process may store a shipped one a moment after
 * this one looked (both boot at once): a version without one is looked up again after this long.
 */
const NO_REFERENCE_RECHECK_MS = 60_000;

interface PendingRows {
  name: string;
  version: string;
  data: ArrayLike<number>;
  rows: number;
  at: number;
}

/**
 * Watches the live inputs of every version that carries reference statistics. The inference path
 * only hands over the rows it already packed (no copy, no await); binning them into the version's
 * window, the reference lookup (once per version) and the threshold check happen after the
 * current I/O turn, in one drain per turn. The first crossing of the threshold per version is
 * logged and recorded as a `drift` model event, once (DriftEvents).
 */
@Injectable()
export class DriftMonitor {
  private readonly logger = new Logger(DriftMonitor.name);
  /** A version's window, or null when it has no reference; a promise while its reference is read. */
  private readonly windows = new Map<string, WindowEntry>();
  private pending: PendingRows[] = [];
  private pendingRows = 0;
  private draining = false;

  constructor(
    private readonly config: AppConfig,
    private readonly references: ModelReferencesRepository,
    private readonly installer: ShippedReferencesInstaller,
    private readonly metrics: DriftMetrics,
    private readonly events: DriftEvents,
  ) {
    metrics.collect(() => this.reportAll());
  }

  /** Hands over rows a version has served (row-major, one reference feature per value). */
  observe(name: string, version: string, data: ArrayLike<number>, rows: number): void {
    if (this.config.drift.windowRows === 0 || rows === 0) return;
    if (this.pendingRows + rows > MAX_PENDING_ROWS) {
      this.metrics.dropped.inc(rows);
      return;
    }
    this.pending.push({ name, version, data, rows, at: Date.now() });
    this.pendingRows += rows;
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => void this.drain());
    }
  }

  /** The drift of name@version (an exact version); null when it has no reference. */
  async report(name: string, version: string): Promise<DriftReport | null> {
    const window = await this.windowOf(name, version);
    return window ? this.reportOf(window) : null;
  }

  private reportOf(window: DriftWindow): DriftReport {
    return window.report(this.config.drift.psiThreshold, this.config.drift.minRows);
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        this.pendingRows = 0;
        const touched = new Map<DriftWindow, PendingRows>();
        for (const item of batch) {
          const window = await this.windowOf(item.name, item.version).catch(() => null);
          if (!window || item.data.length !== item.rows * window.reference.features.length) continue;
          window.add(item.data, item.rows, item.at);
          touched.set(window, item);
        }
        for (const [window, { name, version }] of touched) this.checkCrossing(window, name, version);
      }
    } catch (error) {
      this.logger.warn(`Drift window update failed: ${(error as Error).message}`);
    } finally {
      this.draining = false;
    }
  }

  private checkCrossing(window: DriftWindow, name: string, version: string): void {
    if (window.crossed) return;
    const report = this.reportOf(window);
    if (!report.drifted) return;
    window.crossed = true;
    void this.events.recordFirstCrossing(name, version, report);
  }

  /** Reads the reference once per version; a failed read is forgotten, so the next rows try again. */
  private windowOf(name: string, version: string): Promise<DriftWindow | null> {
    const key = JSON.stringify([name, version]);
    const known = this.windows.get(key);
    if (known && !(known.noneSince !== undefined && Date.now() - known.noneSince > NO_REFERENCE_RECHECK_MS))
      return known.window;
    const entry: WindowEntry = { name, version, window: Promise.resolve(null) };
    entry.window = this.installer.installed
      .then(() => this.references.find(name, version))
      .then((reference) => {
        if (reference) return new DriftWindow(reference, this.capacityFor(reference.features.length));
        entry.noneSince = Date.now();
        return null;
      });
    entry.window.catch(() => this.windows.delete(key));
    this.windows.set(key, entry);
    return entry.window;
  }

  private capacityFor(width: number): number {
    return Math.max(1, Math.min(this.config.drift.windowRows, Math.floor(MAX_WINDOW_BYTES / width)));
  }

  private async reportAll(): Promise<Array<{ name: string; version: string; report: DriftReport }>> {
    const reports = [];
    for (const { name, version, window: promise } of this.windows.values()) {
      const window = await promise.catch(() => null);
      if (window) reports.push({ name, version, report: this.reportOf(window) });
    }
    return reports;
  }
}
