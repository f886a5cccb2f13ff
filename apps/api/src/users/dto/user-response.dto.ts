import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@app/common';
import type { User } from '../user.entity.js';

/** The public face of a user: a whitelist, so a password hash cannot leak by accident. */
export class UserResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) fullName: string | null;
  @ApiProperty({ type: String, nullable: true }) bio: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

export function toUserResponse(user: User): UserResponseDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    fullName: user.fullName ?? null,
    bio: user.bio ?? null,
    role: user.role,
    isActive: Boolean(user.isActive),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
