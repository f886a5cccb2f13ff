import { Injectable } from '@nestjs/common';
import { UnauthorizedError } from '@app/common';
import type { RegisterDto } from '../users/dto/register.dto.js';
import type { UserResponseDto } from '../users/dto/user-response.dto.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import type { TokenRequestDto } from './dto/token-request.dto.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';
import { TokenService } from './token.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  register(dto: RegisterDto): Promise<UserResponseDto> {
    return this.users.register(dto);
  }

  /** Unknown user, wrong password and inactive user all get the same answer. */
  async issueToken(dto: TokenRequestDto): Promise<TokenResponseDto> {
    const user = await this.users.verifyCredentials(dto.username, dto.password);
    if (!user) throw new UnauthorizedError('AUTH_INVALID_CREDENTIALS', 'Incorrect username or password');
    const { accessToken, expiresIn } = await this.tokens.issue(user);
    return { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn };
  }

  me(user: AuthUser): Promise<UserResponseDto> {
    return this.users.getActiveUser(user.id);
  }
}
