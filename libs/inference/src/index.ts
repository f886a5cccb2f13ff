// Exactly what apps/, bench/ and scripts/ import; everything else is internal to the library.
export { ModelServer } from './model-server.js';
export type { ResidencyState } from './residency.js';
export { selectBackend, type BackendPreference } from './backend.js';
export { artifactChecksum } from './artifacts.js';
export { loadModel } from './load-model.js';
export { AdmissionError, ModelLoadError, ResidencyError, TensorValueError } from './errors.js';
export type { AdmissionRefusal } from './errors.js';
export type { Admission } from './batcher.js';
export type { BatchStats } from './model-server.js';
export type { DeclaredSignature } from './registry.js';
export type { NamedInput, NamedOutput } from './onnx/onnx-feeds.js';
export { V2_DATATYPES, type TensorSpec } from './onnx/onnx-types.js';
export { mulberry32 } from './seeded-random.js';
