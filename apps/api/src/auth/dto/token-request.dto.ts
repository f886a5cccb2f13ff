import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/**
 * OAuth2 password grant, form-encoded or JSON. The standard OAuth2 fields are accepted so
 * Swagger UI's Authorize button works; `scope`, `client_id` and `client_secret` are ignored.
 */
export class TokenRequestDto {
  @ApiProperty({ description: 'Username or email', example: 'admin' }) @IsString() @Length(1, 255) username: string;
  @ApiProperty({ format: 'password', example: 'Admin1234' }) @IsString() @Length(1, 100) password: string;
  @ApiPropertyOptional({ enum: ['password'] })
  @IsOptional()
  @Equals('password', { message: 'grant_type must be "password"' })
  grant_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) scope?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) client_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) client_secret?: string;
}
