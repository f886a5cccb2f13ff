import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { ModelNameRule, SAFE_SEGMENT } from '@app/serving/models/dto/model-fields.js';
import { Matches } from 'class-validator';

export class ModelNameParams {
  @ApiProperty({ example: 'sensor-anomaly' }) @IsString() @ModelNameRule() name: string;
}

export class ModelVersionParams extends ModelNameParams {
  @ApiProperty({
    example: '1.0.0',
    description:
      'A version or an alias of it; `latest` means the production version (on registry ' +
      'reads: else the most recently created), `production` the production version',
  })
  @IsString()
  @Matches(SAFE_SEGMENT, { message: 'version must be 1-64 letters, digits, dots, dashes or underscores' })
  version: string;
}
