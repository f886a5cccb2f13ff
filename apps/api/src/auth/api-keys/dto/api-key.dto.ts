import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Min,
} from 'class-validator';
import { PageQueryDto, QueryInt } from '@app/common';
import { API_KEY_SCOPES, type ApiKeyScope } from '@app/http/auth-metadata/auth-user.js';

export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'nightly-batch' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    isArray: true,
    minItems: 1,
    description: 'No more than the owner has: `admin` only for an admin owner',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes: ApiKeyScope[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'When the key stops working (must be in the future); none: it does not expire',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    description: 'Admins only: the key belongs to this user (e.g. a service account); default the caller',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  userId?: number;
}

export class ListApiKeysQueryDto extends PageQueryDto {
  @QueryInt({ min: 1, description: "Admins only: this user's keys (default the caller's)" }) userId?: number;
}

/** A key as listed: never the secret, nor its hash. */
export class ApiKeyResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() userId: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it', example: 'ak_Q3k9xT2b' })
  prefix: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes: ApiKeyScope[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Updated at most once a minute per key',
  })
  lastUsedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({ description: 'The key itself: shown this once, store it now', example: 'ak_Q3k9xT2b...' }) key: string;
}
