import { Body, Controller, Get, Headers, Param, ParseIntPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiPageResponse, ID, type Page } from '@app/common';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { CreateOrderDto } from './dto/create-order.dto.js';
import { ListOrdersQueryDto } from './dto/list-orders.query.js';
import { OrderResponseDto, OrderStatsDto } from './dto/order-response.dto.js';
import { UpdateOrderStatusDto } from './dto/update-order-status.dto.js';
import { OrdersService } from './orders.service.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

// ':id' matches digits only (ID), so 'stats/summary' and 'by-number/:orderNumber' need no particular order.
@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @CreatedAt('/api/v1/orders/:id')
  @Auth()
  @ApiOperation({
    summary: 'Place an order in one transaction (stock checked and taken, prices copied, total summed)',
    description:
      'A customer orders for itself; an admin may pass `userId`. With an `Idempotency-Key` header, a retry ' +
      'with the same key and body answers 200 with the order the first request created (header ' +
      '`Idempotent-Replayed: true`) and changes nothing; the same key with a different body is 409. Keys are ' +
      'per caller and kept at least 24 hours; a request that failed keeps no key.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any 1..255 visible ASCII characters, e.g. a UUID',
  })
  @ApiCreatedResponse({ type: OrderResponseDto, description: 'The order was created' })
  @ApiOkResponse({
    type: OrderResponseDto,
    description: 'An Idempotency-Key retry: the order the first request created',
  })
  @ApiErrors(400, 403, 404, 409)
  async create(
    @Body() dto: CreateOrderDto,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponseDto> {
    const { order, replayed } = await this.orders.create(dto, actor, idempotencyKey);
    if (replayed) void reply.status(200).header('Idempotent-Replayed', 'true');
    return order;
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary:
      'List orders, newest first: admins see all (filters userId, ' +
      'status), customers their own; from/to bound the creation time',
  })
  @ApiPageResponse(OrderResponseDto)
  @ApiErrors(400)
  list(@Query() query: ListOrdersQueryDto, @CurrentUser() actor: AuthUser): Promise<Page<OrderResponseDto>> {
    return this.orders.list(query, actor);
  }

  @Get('stats/summary')
  @Auth('admin')
  @ApiOperation({ summary: 'Order count, revenue (cancelled excluded) and count per status' })
  @ApiOkResponse({ type: OrderStatsDto })
  stats(): Promise<OrderStatsDto> {
    return this.orders.stats();
  }

  @Get('by-number/:orderNumber')
  @Auth()
  @ApiOperation({ summary: 'One order by its order number, with its items (owner or admin; anyone else gets 404)' })
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiErrors(404)
  getByNumber(@Param('orderNumber') orderNumber: string, @CurrentUser() actor: AuthUser): Promise<OrderResponseDto> {
    return this.orders.getByNumber(orderNumber, actor);
  }

  @Get(ID)
  @Auth()
  @ApiOperation({ summary: 'One order with its items (owner or admin)' })
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIntPipe) id: number, @CurrentUser() actor: AuthUser): Promise<OrderResponseDto> {
    return this.orders.get(id, actor);
  }

  @Patch(`${ID}/status`)
  @Auth()
  @ApiOperation({
    summary:
      'Move the status (owner or admin): a customer may only cancel its own pending order; cancelling restores stock',
  })
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiErrors(400, 403, 404, 409)
  changeStatus(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: UpdateOrderStatusDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderResponseDto> {
    return this.orders.changeStatus(id, dto.status, actor);
  }
}
