import { ModelReferenceFeature } from './drift/model-reference-feature.entity.js';
import { InferenceJobChunk } from './inference/jobs/inference-job-chunk.entity.js';
import { InferenceJobResult } from './inference/jobs/inference-job-result.entity.js';
import { InferenceJob } from './inference/jobs/inference-job.entity.js';
import { InferenceRecord } from './inference/records/inference-record.entity.js';
import { ModelEvent } from './models/events/model-event.entity.js';
import { ModelVersion } from './models/model-version.entity.js';
import { ModelAlias } from './models/serving/model-alias.entity.js';
import { TrafficPolicy } from './models/serving/traffic-policy.entity.js';

/** The entities the serving modules own; each app adds what they relate to (see USER_REFERENCE). */
export const SERVING_ENTITIES = [
  ModelVersion,
  ModelEvent,
  ModelAlias,
  TrafficPolicy,
  InferenceJob,
  InferenceJobChunk,
  InferenceJobResult,
  InferenceRecord,
  ModelReferenceFeature,
];
