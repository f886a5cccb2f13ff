import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto, QueryBoolean } from '@app/common';
import { STAGES, type Stage } from '../model-version.entity.js';

export class ListModelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Exact model name' }) @IsOptional() @IsString() @MaxLength(64) name?: string;
  @ApiPropertyOptional({ enum: STAGES }) @IsOptional() @IsIn(STAGES) stage?: Stage;
  @QueryBoolean('Only versions loaded in the runtime (true) or not (false)') deployed?: boolean;
}
