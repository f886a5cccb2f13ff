import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { RegisterDto } from '../users/dto/register.dto.js';
import { UserResponseDto } from '../users/dto/user-response.dto.js';
import { Auth, CurrentUser, Public } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { AuthService } from './auth.service.js';
import { TokenRequestDto } from './dto/token-request.dto.js';
import { TokenResponseDto } from './dto/token-response.dto.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';
import { Origin, type RequestOrigin } from '../auth-events/request-origin.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @CreatedAt('/api/v1/users/:id')
  @Public()
  @ApiOperation({ summary: 'Register a customer account' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(400, 409)
  register(@Body() dto: RegisterDto): Promise<UserResponseDto> {
    return this.auth.register(dto);
  }

  @Post('token')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'OAuth2 password grant: exchange username (or email) and password for a bearer token (rate limited)',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors(400, 401, 429)
  token(@Body() dto: TokenRequestDto, @Origin() origin: RequestOrigin): Promise<TokenResponseDto> {
    return this.auth.issueToken(dto, origin);
  }

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The caller' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() user: AuthUser): Promise<UserResponseDto> {
    return this.auth.me(user);
  }
}
