import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from './domain-error.js';
import { ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode } from './error-codes.js';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'email' }) field: string;
  @ApiProperty({ example: 'email must be an email' }) message: string;
}

/** The single error shape of the contract. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({
    enum: ERROR_CODE_NAMES,
    enumName: 'ErrorCode',
    example: 'VALIDATION_FAILED',
    description:
      'Stable machine code to match on (never the message). Every code, with its status and meaning:\n\n' +
      ERROR_CODE_NAMES.map(
        (code) => `- \`${code}\` (${ERROR_CODES[code].status}): ${ERROR_CODES[code].description}`,
      ).join('\n'),
  })
  code: ErrorCode;
  @ApiProperty({ example: 'Validation failed' }) message: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) details?: FieldErrorDto[];
  @ApiProperty({ example: '/api/v1/users' }) path: string;
  @ApiProperty({ example: '2026-01-01T12:00:00.000Z' }) timestamp: string;
  @ApiProperty({ example: '6f1c2b1e-5d1a-4c7e-9a53-3f9a1c2b1e5d' }) requestId: string;
}
