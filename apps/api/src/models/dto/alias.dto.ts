import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { SAFE_SEGMENT } from '@app/serving/models/dto/model-fields.js';
import { ModelNameParams } from './model-version.params.js';

const NAME_MESSAGE =
  'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit, without ".."';

export class ModelAliasParams extends ModelNameParams {
  @ApiProperty({
    example: 'champion',
    description:
      'Matches the version pattern; `latest` and `production` are reserved (both mean the production version)',
  })
  @IsString()
  @Matches(SAFE_SEGMENT, { message: `alias ${NAME_MESSAGE}` })
  alias: string;
}

export class PutAliasDto {
  @ApiProperty({ example: '1.2.0', description: 'An existing, not archived version of the model' })
  @IsString()
  @Matches(SAFE_SEGMENT, { message: `version ${NAME_MESSAGE}` })
  version: string;
}
