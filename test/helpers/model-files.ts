import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'supertest';

/** The shipped sensor-anomaly artifact, read from the repository, for upload tests. */
export const SENSOR_DIR = join(process.cwd(), 'models', 'sensor-anomaly', '1.0.0');
export const SENSOR_METADATA = JSON.parse(readFileSync(join(SENSOR_DIR, 'metadata.json'), 'utf8')) as {
  inputShape: number[];
  featureNames: string[];
  outputLabels: string[];
};

export interface UploadParts {
  modelJson?: Buffer;
  /** One ONNX file in the field `model` (framework onnx), under `filename` (default model.onnx). */
  onnx?: Buffer;
  filename?: string;
  weights?: { name: string; data: Buffer }[];
  fields?: Record<string, string>;
}

export function sensorArtifact(): { modelJson: Buffer; weights: { name: string; data: Buffer }[] } {
  return {
    modelJson: readFileSync(join(SENSOR_DIR, 'model.json')),
    weights: [{ name: 'weights.bin', data: readFileSync(join(SENSOR_DIR, 'weights.bin')) }],
  };
}

export function sensorFields(version: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'sensor-anomaly',
    version,
    framework: 'tfjs-layers',
    task: 'classification',
    inputShape: JSON.stringify(SENSOR_METADATA.inputShape),
    featureNames: JSON.stringify(SENSOR_METADATA.featureNames),
    outputLabels: JSON.stringify(SENSOR_METADATA.outputLabels),
    metrics: JSON.stringify({ accuracy: 0.99 }),
    ...overrides,
  };
}

/** Attaches a multipart model upload to a supertest request. */
export function attachUpload(request: Test, parts: UploadParts): Test {
  for (const [key, value] of Object.entries(parts.fields ?? {})) request.field(key, value);
  if (parts.modelJson)
    request.attach('model', parts.modelJson, { filename: 'model.json', contentType: 'application/json' });
  if (parts.onnx)
    request.attach('model', parts.onnx, {
      filename: parts.filename ?? 'model.onnx',
      contentType: 'application/octet-stream',
    });
  for (const file of parts.weights ?? [])
    request.attach('weights', file.data, { filename: file.name, contentType: 'application/octet-stream' });
  return request;
}

/** test/fixtures/onnx/<name>.onnx (scripts/make-onnx-fixtures.py): the shipped networks' twins and hostile models. */
export const onnxFixture = (name: string): Buffer =>
  readFileSync(join(process.cwd(), 'test', 'fixtures', 'onnx', `${name}.onnx`));

/** Upload fields of an ONNX version: the shipped model's metadata with framework onnx, unless overridden. */
export function onnxFields(
  shipped: 'sensor-anomaly' | 'order-value',
  version: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const metadata = JSON.parse(
    readFileSync(join(process.cwd(), 'models', shipped, '1.0.0', 'metadata.json'), 'utf8'),
  ) as Record<string, unknown>;
  const json = (key: string) => (metadata[key] === undefined ? {} : { [key]: JSON.stringify(metadata[key]) });
  return {
    name: shipped,
    version,
    framework: 'onnx',
    task: String(metadata.task),
    ...json('inputShape'),
    ...json('featureNames'),
    ...json('outputLabels'),
    ...overrides,
  };
}
