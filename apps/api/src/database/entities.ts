import { InferenceJobChunk } from '../inference/jobs/inference-job-chunk.entity.js';
import { InferenceJobResult } from '../inference/jobs/inference-job-result.entity.js';
import { InferenceJob } from '../inference/jobs/inference-job.entity.js';
import { InferenceRecord } from '../inference/records/inference-record.entity.js';
import { SensorReading } from '../ingestion/sensor-reading.entity.js';
import { ModelVersion } from '../models/model-version.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed as classes so ts-node, Jest and dist/ behave the same. */
export const ENTITIES = [User, ModelVersion, InferenceJob, InferenceJobChunk, InferenceJobResult, SensorReading, InferenceRecord];
