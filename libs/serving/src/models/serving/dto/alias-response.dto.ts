import { ApiProperty } from '@nestjs/swagger';

export class ModelAliasResponseDto {
  @ApiProperty({ example: 'sensor-anomaly' }) model: string;
  @ApiProperty({ example: 'champion' }) alias: string;
  @ApiProperty({ example: '1.2.0' }) version: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '1.1.0',
    description: 'The version it pointed at before this PUT; null when new',
  })
  previous: string | null;
}
