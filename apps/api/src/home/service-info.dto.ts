import { ApiProperty } from '@nestjs/swagger';

/** What `GET /` answers: who this is and where to go next. */
export class ServiceInfoDto {
  @ApiProperty({ example: 'ai-commerce-api' }) name: string;
  @ApiProperty({ example: '0.1.0', description: 'The version in package.json' }) version: string;
  @ApiProperty({ example: '/docs', description: 'Swagger UI' }) docs: string;
  @ApiProperty({ example: '/docs-json', description: 'The OpenAPI document' }) openapi: string;
  @ApiProperty({ example: '/health', description: 'Liveness' }) health: string;
  @ApiProperty({ example: '/health/ready', description: 'Readiness' }) ready: string;
  @ApiProperty({ example: '/metrics', description: 'Prometheus metrics' }) metrics: string;
}
