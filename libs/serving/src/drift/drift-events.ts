import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ModelEvent } from '../models/events/model-event.entity.js';
import { ModelEventsService } from '../models/events/model-events.service.js';
import type { DriftReport } from './drift-window.js';

/**
 * The first crossing of the drift threshold by a version: logged and recorded as a `drift` model
 * event, once. The window remembers its crossing in memory (DriftWindow.crossed); a restarted
 * process, whose window starts empty, finds the event already written and records nothing more.
 */
@Injectable()
export class DriftEvents {
  private readonly logger = new Logger(DriftEvents.name);

  constructor(
    @InjectRepository(ModelEvent) private readonly stored: Repository<ModelEvent>,
    private readonly events: ModelEventsService,
  ) {}

  async recordFirstCrossing(name: string, version: string, report: DriftReport): Promise<void> {
    try {
      if (await this.stored.exists({ where: { modelName: name, version, action: 'drift' } })) return;
      const drifted = report.features.filter((feature) => feature.drifted);
      this.logger.warn(
        `Input drift on ${name}@${version}: ${drifted.map((f) => `${f.name} PSI ${f.psi?.toFixed(3)}`).join(', ')} ` +
          `over ${report.window.rows} rows (threshold ${report.threshold})`,
      );
      const psi = Object.fromEntries(report.features.map((feature) => [feature.name, feature.psi]));
      await this.events.record('drift', name, version, undefined, {
        threshold: report.threshold,
        windowRows: report.window.rows,
        drifted: drifted.map((feature) => feature.name),
        psi,
      });
    } catch (error) {
      this.logger.warn(`Could not record the drift of ${name}@${version}: ${(error as Error).message}`);
    }
  }
}
