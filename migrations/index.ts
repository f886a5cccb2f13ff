import { CreateUsers1767225600000 } from './1767225600000-CreateUsers.js';
import { CreateCategories1767225700000 } from './1767225700000-CreateCategories.js';
import { CreateProducts1767225750000 } from './1767225750000-CreateProducts.js';
import { CreateOrders1767225800000 } from './1767225800000-CreateOrders.js';
import { CreateIdempotencyKeys1767225850000 } from './1767225850000-CreateIdempotencyKeys.js';
import { CreateModelVersions1767225900000 } from './1767225900000-CreateModelVersions.js';
import { CreateInferenceRecords1767226000000 } from './1767226000000-CreateInferenceRecords.js';
import { CreateInferenceJobs1767226100000 } from './1767226100000-CreateInferenceJobs.js';
import { CreateSensorReadings1767226200000 } from './1767226200000-CreateSensorReadings.js';

/** Every migration in order, listed as classes (no globs) so every runner sees the same set. */
export const MIGRATIONS = [CreateUsers1767225600000, CreateCategories1767225700000, CreateProducts1767225750000, CreateOrders1767225800000, CreateIdempotencyKeys1767225850000, CreateModelVersions1767225900000, CreateInferenceRecords1767226000000, CreateInferenceJobs1767226100000, CreateSensorReadings1767226200000];
