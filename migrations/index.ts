import { CreateUsers1767225600000 } from './1767225600000-CreateUsers.js';
import { CreateModelVersions1767225900000 } from './1767225900000-CreateModelVersions.js';
import { CreateInferenceRecords1767226000000 } from './1767226000000-CreateInferenceRecords.js';
import { CreateInferenceJobs1767226100000 } from './1767226100000-CreateInferenceJobs.js';
import { CreateSensorReadings1767226200000 } from './1767226200000-CreateSensorReadings.js';
import { CreateCategories1767226300000 } from './1767226300000-CreateCategories.js';
import { CreateProducts1767226400000 } from './1767226400000-CreateProducts.js';
import { CreateOrders1767226500000 } from './1767226500000-CreateOrders.js';
import { CreateIdempotencyKeys1767226600000 } from './1767226600000-CreateIdempotencyKeys.js';
import { AddUserTokenVersion1767226700000 } from './1767226700000-AddUserTokenVersion.js';
import { JobJsonColumns1767227000000 } from './1767227000000-JobJsonColumns.js';
import { CreateApiKeys1767227100000 } from './1767227100000-CreateApiKeys.js';
import { CreateOrderEvents1767227100001 } from './1767227100001-CreateOrderEvents.js';
import { BackfillOrderEvents1767227100002 } from './1767227100002-BackfillOrderEvents.js';
import { CreateModelEvents1767227100003 } from './1767227100003-CreateModelEvents.js';
import { CreateTags1767227200000 } from './1767227200000-CreateTags.js';
import { JobCancelledStatus1767227300000 } from './1767227300000-JobCancelledStatus.js';
import { ModelAliases1767227400000 } from './1767227400000-ModelAliases.js';
import { TrafficPolicies1767227500000 } from './1767227500000-TrafficPolicies.js';
import { CreateAuthEvents1767227600000 } from './1767227600000-CreateAuthEvents.js';
import { OnnxFramework1767227700000 } from './1767227700000-OnnxFramework.js';
import { ModelReferenceFeatures1767227800000 } from './1767227800000-ModelReferenceFeatures.js';

/** Every migration in order, listed as classes (no globs) so every runner sees the same set. */
export const MIGRATIONS = [
  CreateUsers1767225600000,
  CreateModelVersions1767225900000,
  CreateInferenceRecords1767226000000,
  CreateInferenceJobs1767226100000,
  CreateSensorReadings1767226200000,
  CreateCategories1767226300000,
  CreateProducts1767226400000,
  CreateOrders1767226500000,
  CreateIdempotencyKeys1767226600000,
  AddUserTokenVersion1767226700000,
  JobJsonColumns1767227000000,
  CreateApiKeys1767227100000,
  CreateOrderEvents1767227100001,
  BackfillOrderEvents1767227100002,
  CreateModelEvents1767227100003,
  CreateTags1767227200000,
  JobCancelledStatus1767227300000,
  ModelAliases1767227400000,
  TrafficPolicies1767227500000,
  CreateAuthEvents1767227600000,
  OnnxFramework1767227700000,
  ModelReferenceFeatures1767227800000,
];
