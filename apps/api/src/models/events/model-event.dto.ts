import { ApiProperty } from '@nestjs/swagger';
import { MODEL_EVENT_ACTIONS, type ModelEventAction } from './model-event.entity.js';

export class ModelEventResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'sensor-anomaly' }) model: string;
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty({ enum: MODEL_EVENT_ACTIONS, description: '`alias` and `policy` are reserved for the alias and traffic-policy routes' }) action: ModelEventAction;
  @ApiProperty({ type: Number, nullable: true, description: 'The id of the acting user; null for the system (shipped models registered at boot)' }) by: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'e.g. `{ "replaced": "1.0.0" }` for a deploy that replaced a production version' })
  details: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
}
