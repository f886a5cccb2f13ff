import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto, QueryBoolean, SortQuery } from '@app/common';
import { ROLES, type Role } from '@app/common';

export const USER_SORT_FIELDS = ['id', 'username', 'email', 'createdAt'] as const;

export class ListUsersQueryDto extends PageQueryDto {
  @QueryBoolean('Only active (true) or inactive (false) users') isActive?: boolean;

  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of username, email or full name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @SortQuery(USER_SORT_FIELDS) sort?: string;
}
