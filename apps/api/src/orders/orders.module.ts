import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProductsModule } from '../products/products.module.js';
import { UsersModule } from '../users/users.module.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { OrderEvent } from './order-event.entity.js';
import { OrderEventsRepository } from './order-events.repository.js';
import { OrderItem } from './order-item.entity.js';
import { Order } from './order.entity.js';
import { OrdersController } from './orders.controller.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';
import { UserOrdersController } from './user-orders.controller.js';

/**
 * Owns the order transaction and the status machine; asks ProductsService
 * for stock changes and UsersService whether a user exists.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderItem, IdempotencyKey, OrderEvent]), ProductsModule, UsersModule],
  controllers: [OrdersController, UserOrdersController],
  providers: [OrdersService, OrdersRepository, OrderEventsRepository],
})
export class OrdersModule {}
