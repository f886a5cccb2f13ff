import { SERVING_ENTITIES } from '@app/serving';
import { ApiKey } from '../auth/api-keys/api-key.entity.js';
import { AuthEvent } from '../auth-events/auth-event.entity.js';
import { Category } from '../categories/category.entity.js';
import { SensorReading } from '../ingestion/sensor-reading.entity.js';
import { IdempotencyKey } from '../orders/idempotency-key.entity.js';
import { OrderEvent } from '../orders/order-event.entity.js';
import { OrderItem } from '../orders/order-item.entity.js';
import { Order } from '../orders/order.entity.js';
import { Product } from '../products/product.entity.js';
import { ProductTag } from '../tags/product-tag.entity.js';
import { Tag } from '../tags/tag.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed as classes so ts-node, Jest and dist/ behave the same: the serving lib's and the API's own. */
export const ENTITIES = [
  User,
  SensorReading,
  Category,
  Product,
  Order,
  OrderItem,
  IdempotencyKey,
  ApiKey,
  OrderEvent,
  Tag,
  ProductTag,
  AuthEvent,
  ...SERVING_ENTITIES,
];
