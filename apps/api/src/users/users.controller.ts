import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiPageResponse, ArrayBodyPipe, ID, type Page } from '@app/common';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { Actor } from '@app/common';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { ListUsersQueryDto } from './dto/list-users.query.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UserResponseDto } from './dto/user-response.dto.js';
import { UsersService } from './users.service.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';
import { Origin, type RequestOrigin } from '../auth-events/request-origin.js';

export const BULK_CREATE_MAX = 1000;

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: 'List users (filters, search, sort)' })
  @ApiPageResponse(UserResponseDto)
  @ApiErrors(400)
  list(@Query() query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Post()
  @CreatedAt('/api/v1/users/:id')
  @Auth('admin')
  @ApiOperation({ summary: 'Create a user (may set the role)' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(400, 409)
  create(@Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(dto);
  }

  @Post('bulk')
  @CreatedAt('/api/v1/users')
  @Auth('admin')
  @ApiOperation({ summary: 'Create many users in one transaction: all or none' })
  @ApiBody({ type: [CreateUserDto] })
  @ApiCreatedResponse({ type: [UserResponseDto] })
  @ApiErrors(400, 409)
  createMany(
    @Body(new ArrayBodyPipe(CreateUserDto, { max: BULK_CREATE_MAX })) dtos: CreateUserDto[],
  ): Promise<UserResponseDto[]> {
    return this.users.createMany(dtos);
  }

  @Get(ID)
  @Auth()
  @ApiOperation({ summary: 'One user (owner or admin)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(400, 403, 404)
  get(@Param('id', ParseIntPipe) id: number, @CurrentUser() actor: Actor): Promise<UserResponseDto> {
    return this.users.get(id, actor);
  }

  @Patch(ID)
  @Auth()
  @ApiOperation({
    summary: 'Partial update (owner or admin; role and isActive by admins only)',
    description:
      'Only the fields sent are written. Changing your own password, email or username needs currentPassword (400 ' +
      'when missing, 403 when wrong). A new password or isActive=false revokes every token issued before it.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(400, 403, 404, 409)
  update(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: UpdateUserDto,
    @CurrentUser() actor: Actor,
    @Origin() origin: RequestOrigin,
  ): Promise<UserResponseDto> {
    return this.users.update(id, dto, actor, origin);
  }

  @Delete(ID)
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({ summary: 'Soft delete: isActive=false, login refused and existing tokens revoked from then on' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  remove(
    @Param('id', ParseIntPipe) id: number,
    @CurrentUser() actor: Actor,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.users.deactivate(id, actor, origin);
  }
}
