import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from './domain-error.js';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'email' }) field: string;
  @ApiProperty({ example: 'email must be an email' }) message: string;
}

/** The single error shape of the contract. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({
    example: 'VALIDATION',
    description:
      'Stable machine code to match on (never the message): the error kind (VALIDATION, BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS, UNAVAILABLE), ' +
      'a specific code where one applies (JOB_ALREADY_FINISHED), the database constraint kinds (UNIQUE_VIOLATION, REFERENCE_NOT_FOUND, CONSTRAINT_VIOLATION, DATABASE_UNAVAILABLE), MALFORMED_JSON, UNSUPPORTED_MEDIA_TYPE, REQUEST_TIMEOUT, or INTERNAL_ERROR',
  })
  code: string;
  @ApiProperty({ example: 'Validation failed' }) message: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) details?: FieldErrorDto[];
  @ApiProperty({ example: '/api/v1/users' }) path: string;
  @ApiProperty({ example: '2026-01-01T12:00:00.000Z' }) timestamp: string;
  @ApiProperty({ example: '6f1c2b1e-5d1a-4c7e-9a53-3f9a1c2b1e5d' }) requestId: string;
}
