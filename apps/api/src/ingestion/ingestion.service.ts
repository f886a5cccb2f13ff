import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  isObjectValue,
  parseIsoDateTime,
  toPage,
  validateAs,
  ValidationFailedError,
  type FieldError,
  type Page,
} from '@app/common';
import { UnitOfWork } from '@app/database';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import {
  InferenceService,
  MAX_PREDICT_ROWS,
  type ClassPredictionLike,
} from '@app/serving/inference/inference.service.js';
import { ModelVersionResolver } from '@app/serving/models/serving/model-version-resolver.js';
import {
  MAX_INGEST_ROWS,
  type IngestResultDto,
  type ListReadingsQueryDto,
  type RejectedRowDto,
} from './dto/ingest.dto.js';
import { SensorReadingInputDto, toSensorReadingDto, type SensorReadingDto } from './dto/sensor-reading.dto.js';
import type { SensorReading } from './sensor-reading.entity.js';
import { SensorReadingsRepository } from './sensor-readings.repository.js';

const READING_FIELDS = ['temperature', 'humidity', 'pressure'] as const;
const ANOMALY_LABEL = 'anomaly';

/**
 * Validated ingestion: every row is checked on its own; the valid ones are stored (in one
 * transaction) and the others reported by index. With a model, the stored rows are scored first.
 */
@Injectable()
export class IngestionService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly readings: SensorReadingsRepository,
    private readonly models: ModelVersionResolver,
    private readonly inference: InferenceService,
  ) {}

  async ingest(body: unknown, modelName: string | undefined, user: AuthUser): Promise<IngestResultDto> {
    if (!Array.isArray(body))
      throw new ValidationFailedError([{ field: 'body', message: 'body must be a JSON array of readings' }]);
    if (body.length === 0 || body.length > MAX_INGEST_ROWS)
      throw new BadRequestError('BATCH_SIZE_OUT_OF_RANGE', `body must hold between 1 and ${MAX_INGEST_ROWS} readings`);
    const scorer = modelName ? this.scorerFor(modelName) : undefined;
    const rejected: RejectedRowDto[] = [];
    const valid: SensorReadingInputDto[] = [];
    body.forEach((raw: unknown, index) => {
      const checked = this.check(raw, scorer?.featureNames ?? []);
      if (checked.details.length) rejected.push({ index, details: checked.details });
      else valid.push(checked.reading!);
    });
    const rows: Partial<SensorReading>[] = valid.map((reading) => ({
      timestamp: parseIsoDateTime(reading.timestamp)!.toISOString(),
      sensorId: reading.sensorId,
      temperature: reading.temperature,
      humidity: reading.humidity,
      pressure: reading.pressure ?? null,
      isAnomaly: null,
      anomalyScore: null,
      scoredBy: null,
    }));
    let anomalies: number | undefined;
    if (scorer && rows.length) anomalies = await this.score(scorer.name, scorer.featureNames, rows, user);
    if (rows.length) await this.unitOfWork.run((manager) => this.readings.insertAll(manager, rows));
    return {
      accepted: rows.length,
      rejected,
      ...(scorer ? { anomalies: anomalies ?? 0, scoredBy: `${scorer.name}@${scorer.version}` } : {}),
    };
  }

  async list(query: ListReadingsQueryDto): Promise<Page<SensorReadingDto>> {
    const filter = { ...query, from: query.from?.toISOString(), to: query.to?.toISOString() };
    const [rows, total] = await this.readings.list(filter, query);
    return toPage(rows.map(toSensorReadingDto), total, query);
  }

  /** The model must classify into an `anomaly` label from reading fields only. */
  private scorerFor(name: string) {
    const model = this.models.model(name);
    const features = model.featureNames ?? [];
    const unusable =
      model.task !== 'classification' ||
      !model.outputLabels?.includes(ANOMALY_LABEL) ||
      features.length === 0 ||
      features.some((feature) => !(READING_FIELDS as readonly string[]).includes(feature));
    if (unusable)
      throw new BadRequestError(
        'MODEL_UNSUITABLE',
        `Model '${name}' cannot score readings: it must classify into an ` +
          `'${ANOMALY_LABEL}' label from the features ${READING_FIELDS.join(', ')}`,
      );
    return { name: model.name, version: model.version, featureNames: features };
  }

  /** One row through the DTO's rules (validateAs, as every body), plus the fields the scoring model needs. */
  private check(raw: unknown, requiredFeatures: string[]): { reading?: SensorReadingInputDto; details: FieldError[] } {
    if (!isObjectValue(raw)) return { details: [{ field: 'row', message: 'a reading must be an object' }] };
    const checked = validateAs(SensorReadingInputDto, raw);
    const reading = checked.ok ? checked.value : undefined;
    const details = checked.ok ? [] : checked.details;
    for (const feature of requiredFeatures) {
      if (raw[feature] === undefined && !details.some((detail) => detail.field === feature)) {
        details.push({ field: feature, message: `${feature} is required by the scoring model` });
      }
    }
    return { reading, details };
  }

  private async score(
    name: string,
    features: string[],
    rows: Partial<SensorReading>[],
    user: AuthUser,
  ): Promise<number> {
    let anomalies = 0;
    for (let start = 0; start < rows.length; start += MAX_PREDICT_ROWS) {
      const slice = rows.slice(start, start + MAX_PREDICT_ROWS);
      const inputs = slice.map((row) =>
        Object.fromEntries(features.map((feature) => [feature, row[feature as keyof SensorReading]])),
      );
      const result = await this.inference.predict({ name, inputs, userId: user.id, source: 'ingest' });
      result.predictions.forEach((prediction, offset) => {
        const { label, probabilities } = prediction as ClassPredictionLike;
        const row = slice[offset];
        row.isAnomaly = label === ANOMALY_LABEL;
        row.anomalyScore = probabilities[ANOMALY_LABEL];
        row.scoredBy = `${result.model}@${result.version}`;
        if (row.isAnomaly) anomalies += 1;
      });
    }
    return anomalies;
  }
}
