import { ApiProperty } from '@nestjs/swagger';

export class TokenResponseDto {
  @ApiProperty() access_token: string;
  @ApiProperty({ enum: ['bearer'] }) token_type: 'bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expires_in: number;
}
