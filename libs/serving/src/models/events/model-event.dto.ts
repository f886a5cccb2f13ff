import { ApiProperty } from '@nestjs/swagger';
import { MODEL_EVENT_ACTIONS, type ModelEventAction } from './model-event.entity.js';

export class ModelEventResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'sensor-anomaly' }) model: string;
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty({
    enum: MODEL_EVENT_ACTIONS,
    description:
      '`alias`: an alias set, moved or deleted (details `{ alias, ' +
      'from, to }`); `policy`: a traffic policy set or deleted; `drift`: the first time the ' +
      "version's live inputs crossed DRIFT_PSI_THRESHOLD (details `{ threshold, windowRows, drifted, psi }`)",
  })
  action: ModelEventAction;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The id of the acting user; null for the system (shipped models registered at boot)',
  })
  by: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'e.g. `{ "replaced": "1.0.0" }` for a deploy that replaced a production version, ' +
      '`{ "alias": "champion", "from": "1.0.0", "to": "2.0.0" }` for an alias ' +
      'move, `{ "revision": 2, "versions": [...], "shadow": [...] }` for a policy',
  })
  details: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
}
