// Exactly what apps/, bench/ and scripts/ import; everything else is internal to the library.
export { ModelServer } from './model-server.js';
export { selectBackend, type BackendPreference } from './backend.js';
export { artifactChecksum } from './artifacts.js';
export { loadModel } from './load-model.js';
export { ModelLoadError } from './errors.js';
export { mulberry32 } from './seeded-random.js';
