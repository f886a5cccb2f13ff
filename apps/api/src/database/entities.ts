import { ModelVersion } from '../models/model-version.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, listed as classes so ts-node, Jest and dist/ behave the same. */
export const ENTITIES = [User, ModelVersion];
