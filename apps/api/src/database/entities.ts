import { ApiKey } from '../auth/api-keys/api-key.entity.js';
import { Category } from '../categories/category.entity.js';
import { InferenceJobChunk } from '../inference/jobs/inference-job-chunk.entity.js';
import { InferenceJobResult } from '../inference/jobs/inference-job-result.entity.js';
import { InferenceJob } from '../inference/jobs/inference-job.entity.js';
import { InferenceRecord } from '../inference/records/inference-record.entity.js';
import { SensorReading } from '../ingestion/sensor-reading.entity.js';
import { ModelEvent } from '../models/events/model-event.entity.js';
import { ModelVersion } from '../models/model-version.entity.js';
import { ModelAlias } from '../models/serving/model-alias.entity.js';
import { TrafficPolicy } from '../models/serving/traffic-policy.entity.js';
import { IdempotencyKey } from '../orders/idempotency-key.entity.js';
import { OrderEvent } from '../orders/order-event.entity.js';
import { OrderItem } from '../orders/order-item.entity.js';
import { Order } from '../orders/order.entity.js';
import { Product } from '../products/product.entity.js';
import { ProductTag } from '../tags/product-tag.entity.js';
import { Tag } from '../tags/tag.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed as classes so ts-node, Jest and dist/ behave the same. */
export const ENTITIES = [
  User,
  ModelVersion,
  InferenceJob,
  InferenceJobChunk,
  InferenceJobResult,
  SensorReading,
  InferenceRecord,
  Category,
  Product,
  Order,
  OrderItem,
  IdempotencyKey,
  ApiKey,
  OrderEvent,
  ModelEvent,
  Tag,
  ProductTag,
  ModelAlias,
  TrafficPolicy,
];
