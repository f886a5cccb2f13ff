import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto, QueryDate, QueryInt } from '@app/common';
import { AUTH_EVENT_TYPES, MAX_ADDRESS_CHARS, OWN_EVENT_TYPES, type AuthEventType } from '../auth-event-types.js';
import type { AuthEvent } from '../auth-event.entity.js';

export class OwnAuthEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OWN_EVENT_TYPES }) @IsOptional() @IsIn(OWN_EVENT_TYPES) type?: AuthEventType;
}

export class ListAuthEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUTH_EVENT_TYPES }) @IsOptional() @IsIn(AUTH_EVENT_TYPES) type?: AuthEventType;
  @QueryInt({ min: 1, max: 2_147_483_647, description: 'Events about this user (subject) or done by them (actor)' })
  userId?: number;
  @ApiPropertyOptional({ description: 'The client address, exactly as recorded', maxLength: MAX_ADDRESS_CHARS })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ADDRESS_CHARS)
  address?: string;
  @QueryDate('Only events at or after this time') from?: Date;
  @QueryDate('Only events at or before this time') to?: Date;
}

export class AuthEventDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: AUTH_EVENT_TYPES }) type: AuthEventType;
  @ApiProperty({ type: Number, nullable: true, description: 'The user who did it; null for sign-ins and refusals' })
  actorId: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The account it is about' }) subjectUserId: number | null;
  @ApiProperty({ type: Number, nullable: true }) apiKeyId: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Client address (after TRUST_PROXY)' })
  address: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'User-Agent, cut to 256 characters' })
  userAgent: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'e.g. `{ "reason": "wrong_password", "login": "ann" }`, `{ "from": "customer", "to": "admin" }`, ' +
      '`{ "scopes": ["read"], "expiresAt": null }`; a summary of folded repeats adds `repeats` and `windowMs`',
  })
  details: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
}

export function toAuthEventDto(row: AuthEvent): AuthEventDto {
  return {
    id: row.id,
    type: row.type,
    actorId: row.actorId,
    subjectUserId: row.subjectUserId,
    apiKeyId: row.apiKeyId,
    address: row.address,
    userAgent: row.userAgent,
    requestId: row.requestId,
    details: row.details,
    at: row.at.toISOString(),
  };
}
