import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { ErrorBodyDto } from '@app/common';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

const CHECKS_SCHEMA: ApiPropertyOptions = {
  description:
    'Each check by name: `status` up or down, and its details (the database check carries ' +
    '`pool: { engine, size, inUse, idle }`; `redis` is present when REDIS_URL is set; the ' +
    'inference check `backend`, `loadedModels`, `failedModels: [{ model, version, reason, ' +
    'attempts, retryAt }]`, the deployed versions this process could not load and is retrying, and ' +
    '`residency: { budgetBytes, versions: [{ key, resident, bytes, inUse }] }`: which loaded versions are ' +
    'resident under INFERENCE_MEMORY_BUDGET_MB (null: no budget), their measured bytes and current users)',
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};

export type Checks = Record<string, { status: string; [key: string]: unknown }>;

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty(CHECKS_SCHEMA) checks: Checks;
}

export class NotReadyDto extends ErrorBodyDto {
  @ApiProperty({ enum: ['error'] }) status: 'error';
  @ApiProperty(CHECKS_SCHEMA) checks: Checks;
}
