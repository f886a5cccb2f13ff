import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, type Page } from '@app/common';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { AuthEventsService } from './auth-events.service.js';
import { AuthEventDto, ListAuthEventsQueryDto, OwnAuthEventsQueryDto } from './dto/auth-event.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthEventsController {
  constructor(private readonly events: AuthEventsService) {}

  @Get('events')
  @Auth('admin')
  @ApiOperation({
    summary: 'Security events (sign-ins, refused credentials, access changes), newest first',
    description:
      'Written behind the request: an event appears within a fraction of a second. Repeated refused ' +
      'credentials from one address are stored once per window plus one summary row with their count.',
  })
  @ApiPageResponse(AuthEventDto)
  @ApiErrors(400)
  list(@Query() query: ListAuthEventsQueryDto): Promise<Page<AuthEventDto>> {
    return this.events.list(query);
  }

  @Get('me/events')
  @Auth()
  @ApiOperation({ summary: "The caller's own sign-ins, key changes and account changes, newest first" })
  @ApiPageResponse(AuthEventDto)
  @ApiErrors(400)
  listOwn(@Query() query: OwnAuthEventsQueryDto, @CurrentUser() user: AuthUser): Promise<Page<AuthEventDto>> {
    return this.events.listOwn(user.id, query);
  }
}
