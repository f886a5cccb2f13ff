import { Injectable } from '@nestjs/common';
import { UnauthorizedError } from '@app/common';
import type { RegisterDto } from '../users/dto/register.dto.js';
import type { UserResponseDto } from '../users/dto/user-response.dto.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import type { TokenRequestDto } from './dto/token-request.dto.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';
import { TokenService } from './token.service.js';
import { AuthEventsService } from '../auth-events/auth-events.service.js';
import type { RequestOrigin } from '../auth-events/request-origin.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly authEvents: AuthEventsService,
  ) {}

  register(dto: RegisterDto): Promise<UserResponseDto> {
    return this.users.register(dto);
  }

  /** Unknown user, wrong password and inactive user all get the same answer; the audit trail keeps which. */
  async issueToken(dto: TokenRequestDto, origin: RequestOrigin): Promise<TokenResponseDto> {
    const checked = await this.users.checkCredentials(dto.username, dto.password);
    if ('failure' in checked) {
      this.authEvents.loginFailed(origin, dto.username, checked.failure, checked.userId);
      throw new UnauthorizedError('AUTH_INVALID_CREDENTIALS', 'Incorrect username or password');
    }
    const { user } = checked;
    this.authEvents.record({ type: 'login_succeeded', origin, subjectUserId: user.id });
    const { accessToken, expiresIn } = await this.tokens.issue(user);
    return { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn };
  }

  me(user: AuthUser): Promise<UserResponseDto> {
    return this.users.getActiveUser(user.id);
  }
}
