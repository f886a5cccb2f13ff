export {
  selectBackend,
  currentBackend,
  ensureBackend,
  backendAttempts,
  BACKEND_PREFERENCES,
  type BackendName,
  type BackendPreference,
  type BackendAttempt,
} from './backend.js';
export {
  artifactChecksum,
  readModelArtifacts,
  detectFormat,
  resolveModelJson,
  hasModelJson,
  type ArtifactChecksum,
  type ModelArtifactFiles,
  type ModelFormat,
} from './artifacts.js';
export { LoadedModel, loadModel, inspectModel, type ModelInfo, type LoadModelOptions, type InputDtype } from './loaded-model.js';
export { ModelRegistry, type ModelLease, type LoadedModelSummary, type ModelRegistryOptions } from './registry.js';
export { ModelPool } from './model-pool.js';
export { PredictBatcher, type BatchingOptions } from './batcher.js';
export { DynamicBatcher, type DynamicBatchingOptions, type BatchObserver } from './dynamic-batcher.js';
export {
  ModelLoadError,
  PredictInputError,
  ModelNotLoadedError,
  BackendUnavailableError,
  type ModelLoadErrorCode,
} from './errors.js';
