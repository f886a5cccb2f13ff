import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ID, type Page } from '@app/common';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { KeyScope } from '@app/http/auth-metadata/key-scope.js';
import { ApiKeysService } from './api-keys.service.js';
import { Origin, type RequestOrigin } from '../../auth-events/request-origin.js';
import {
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
  ListApiKeysQueryDto,
} from './dto/api-key.dto.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

/** Managed with a bearer token only: an API key cannot list, mint or revoke keys (403). */
@ApiTags('auth')
@Controller('auth/api-keys')
@KeyScope('session')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @CreatedAt('/api/v1/auth/api-keys/:id')
  @Auth()
  @ApiOperation({
    summary: 'Create a named API key with scopes (no more than the owner has); the key is in this answer only',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  @ApiErrors(400, 403, 404)
  create(
    @Body() dto: CreateApiKeyDto,
    @CurrentUser() actor: AuthUser,
    @Origin() origin: RequestOrigin,
  ): Promise<CreatedApiKeyResponseDto> {
    return this.keys.create(dto, actor, origin);
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary: "The caller's keys that are not revoked (an admin may ask for a user's), newest first, without the secret",
  })
  @ApiPageResponse(ApiKeyResponseDto)
  @ApiErrors(400, 403)
  list(@Query() query: ListApiKeysQueryDto, @CurrentUser() actor: AuthUser): Promise<Page<ApiKeyResponseDto>> {
    return this.keys.list(query, actor);
  }

  @Get(ID)
  @Auth()
  @ApiOperation({ summary: "One of the caller's keys (an admin: anyone's) that is not revoked, without the secret" })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiErrors(400, 403, 404)
  get(@Param('id', ParseIntPipe) id: number, @CurrentUser() actor: AuthUser): Promise<ApiKeyResponseDto> {
    return this.keys.get(id, actor);
  }

  @Delete(ID)
  @HttpCode(204)
  @Auth()
  @ApiOperation({
    summary:
      "Revoke a key (the owner's or, for an admin, anyone's): " +
      "refused within the auth cache's 5 s everywhere, at once here",
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(400, 403, 404)
  revoke(
    @Param('id', ParseIntPipe) id: number,
    @CurrentUser() actor: AuthUser,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.keys.revoke(id, actor, origin);
  }
}
