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
  @ApiProperty({ example: 'Validation failed' }) message: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) details?: FieldErrorDto[];
  @ApiProperty({ example: '/api/v1/users' }) path: string;
  @ApiProperty({ example: '2026-01-01T12:00:00.000Z' }) timestamp: string;
  @ApiProperty({ example: '6f1c2b1e-5d1a-4c7e-9a53-3f9a1c2b1e5d' }) requestId: string;
}
