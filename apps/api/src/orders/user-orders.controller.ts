import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ID, PageQueryDto, type Page } from '@app/common';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { TopSpendersQueryDto } from './dto/list-orders.query.js';
import { OrderResponseDto, TopSpenderDto } from './dto/order-response.dto.js';
import { OrdersService } from './orders.service.js';

/**
 * The users routes that are about orders. They live here so that the users module does not
 * depend on orders. UsersController's `:id` matches digits only (ID), so the static
 * `stats/top-spenders` can never be taken for an id, whatever order the routes were registered in.
 */
@ApiTags('users')
@Controller('users')
export class UserOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get('stats/top-spenders')
  @Auth('admin')
  @ApiOperation({ summary: 'The users who spent most; cancelled orders excluded from both counts' })
  @ApiOkResponse({ type: [TopSpenderDto] })
  @ApiErrors(400)
  topSpenders(@Query() query: TopSpendersQueryDto): Promise<TopSpenderDto[]> {
    return this.orders.topSpenders(query.limit);
  }

  @Get(`${ID}/orders`)
  @Auth()
  @ApiOperation({ summary: "A user's orders, newest first (owner or admin)" })
  @ApiPageResponse(OrderResponseDto)
  @ApiErrors(400, 403, 404)
  list(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: PageQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<Page<OrderResponseDto>> {
    return this.orders.listOfUser(id, query, actor);
  }
}
