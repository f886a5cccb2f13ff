import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { ModelLoadError, messageOf } from './errors.js';
import { onnxChecksum, onnxModelPath } from './onnx/onnx-artifact.js';

export type ModelFormat = 'layers' | 'graph';

/** The parts of model.json this library reads. */
interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology?: Record<string, unknown>;
  weightsManifest?: { paths?: unknown; weights?: unknown }[];
  trainingConfig?: unknown;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
  initializerSignature?: unknown;
}

/** A model artifact read from disk, ready for tf.io.fromMemory / a custom IO handler. */
export interface ModelArtifactFiles {
  format: ModelFormat;
  /** Absolute path of the model JSON file. */
  modelJsonPath: string;
  /** Absolute paths of the weight files, in manifest order (each once). */
  weightPaths: string[];
  artifacts: tf.io.ModelArtifacts;
  /** Bytes of model.json plus the weight files. */
  sizeBytes: number;
}

/**
 * A model source: a directory holding `model.json`, or the path of a model JSON file whose weight
 * files sit beside it (some packages name it `<model>.json`).
 */
function resolveModelJson(source: string): string {
  const path = resolve(source);
  return path.toLowerCase().endsWith('.json') ? path : join(path, 'model.json');
}

/** Tells layers from graph models by their topology; the optional `format` field is not trusted. */
export function detectFormat(topology: unknown): ModelFormat | undefined {
  if (!topology || typeof topology !== 'object') return undefined;
  const t = topology as Record<string, unknown>;
  if (Array.isArray(t.node)) return 'graph';
  if (t.model_config && typeof t.model_config === 'object') return 'layers';
  if (typeof t.class_name === 'string' && t.config !== undefined) return 'layers';
  return undefined;
}

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Byte length a weight spec occupies in the weight data, or undefined when it cannot be known (strings). */
function specBytes(spec: tf.io.WeightsManifestEntry): number | undefined {
  const count = (spec.shape ?? []).reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = BYTES_PER_ELEMENT[dtype];
  return bytes === undefined ? undefined : count * bytes;
}

function fail(code: ConstructorParameters<typeof ModelLoadError>[0], reason: string, cause?: unknown): never {
  throw new ModelLoadError(code, reason, cause === undefined ? undefined : { cause });
}

/** Reads and checks model.json, without the weights. */
async function readModelJson(modelJsonPath: string): Promise<{ json: ModelJson; raw: Buffer }> {
  const fileName = basename(modelJsonPath);
  let raw: Buffer;
  try {
    raw = await readFile(modelJsonPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('MODEL_JSON_MISSING', `${fileName} not found`);
    fail('MODEL_JSON_MISSING', `${fileName} cannot be read (${code ?? messageOf(error)})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    fail('BAD_JSON', `${fileName} is not valid JSON (${messageOf(error)})`, error);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    fail('BAD_MODEL_JSON', `${fileName} must hold a JSON object`);
  const model = json as ModelJson;
  if (!model.modelTopology || typeof model.modelTopology !== 'object') {
    fail('BAD_MODEL_JSON', `${fileName} has no modelTopology (a weights-only manifest is not a TF.js model)`);
  }
  if (!Array.isArray(model.weightsManifest)) fail('BAD_MODEL_JSON', `${fileName} has no weightsManifest array`);
  model.weightsManifest.forEach((group, index) => {
    if (!group || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) {
      fail('BAD_MODEL_JSON', `weightsManifest[${index}].paths must be a list of file names`);
    }
    if (!Array.isArray(group.weights)) fail('BAD_MODEL_JSON', `weightsManifest[${index}].weights must be a list`);
    for (const spec of group.weights as Partial<tf.io.WeightsManifestEntry>[]) {
      if (!spec || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || typeof spec.dtype !== 'string') {
        fail('BAD_MODEL_JSON', `weightsManifest[${index}] has a weight entry without name, shape or dtype`);
      }
      if (!spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        fail('BAD_MODEL_JSON', `weight '${spec.name}' has an invalid shape ${JSON.stringify(spec.shape)}`);
      }
    }
  });
  return { json: model, raw };
}

/** Weight file paths in manifest order, each once, checked to stay inside the model's folder. */
function weightFilePaths(model: ModelJson, folder: string): { name: string; path: string }[] {
  const seen = new Set<string>();
  const files: { name: string; path: string }[] = [];
  for (const group of model.weightsManifest ?? []) {
    for (const name of group.paths as string[]) {
      if (!name || isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
        fail('UNSAFE_PATH', `weight path '${name}' must be a file name relative to model.json`);
      }
      const path = resolve(folder, name);
      if (!path.startsWith(folder + sep)) fail('UNSAFE_PATH', `weight path '${name}' leaves the model folder`);
      if (seen.has(path)) continue;
      seen.add(path);
      files.push({ name, path });
    }
  }
  return files;
}

async function readWeightFile(name: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('WEIGHTS_MISSING', `weight file '${name}' named in weightsManifest is missing`);
    fail('WEIGHTS_MISSING', `weight file '${name}' cannot be read (${code ?? messageOf(error)})`, error);
  }
}

/**
 * Reads a TF.js model artifact (model.json + the weight files its manifest names) from disk and
 * checks it: valid JSON, a known topology, every weight file present, and the weight bytes matching
 * what the manifest describes. Throws ModelLoadError with a human reason otherwise.
 */
export async function readModelArtifacts(source: string): Promise<ModelArtifactFiles> {
  const modelJsonPath = resolveModelJson(source);
  const folder = dirname(modelJsonPath);
  const { json, raw } = await readModelJson(modelJsonPath);
  const format = detectFormat(json.modelTopology);
  if (!format) {
    fail(
      'UNKNOWN_FORMAT',
      'modelTopology is neither a layers model (model_config / class_name) nor a graph model (node)',
    );
  }

  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  let expectedBytes: number | undefined = 0;
  const files = weightFilePaths(json, folder);
  const groupsByPath = new Map<string, number>();
  for (const group of json.weightsManifest ?? []) {
    for (const spec of group.weights as tf.io.WeightsManifestEntry[]) {
      weightSpecs.push(spec);
      const bytes = specBytes(spec);
      expectedBytes = bytes === undefined || expectedBytes === undefined ? undefined : expectedBytes + bytes;
    }
  }
  const buffers: Buffer[] = [];
  for (const file of files) {
    const buffer = await readWeightFile(file.name, file.path);
    groupsByPath.set(file.name, buffer.length);
    buffers.push(buffer);
  }
  const weightBytes = buffers.reduce((sum, b) => sum + b.length, 0);
  if (expectedBytes !== undefined && weightBytes !== expectedBytes) {
    const detail = [...groupsByPath].map(([name, size]) => `${name}: ${size} bytes`).join(', ');
    fail(
      'WEIGHTS_SIZE_MISMATCH',
      `weight files hold ${weightBytes} bytes but weightsManifest describes ${expectedBytes} bytes` +
        `${weightBytes < expectedBytes ? ' (truncated?)' : ''}${detail ? ` [${detail}]` : ''}`,
    );
  }
  const joined = Buffer.concat(buffers);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);

  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    trainingConfig: json.trainingConfig as tf.io.TrainingConfig | undefined,
    signature: json.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
    modelInitializer: json.modelInitializer as tf.io.ModelArtifacts['modelInitializer'],
    initializerSignature: json.initializerSignature as tf.io.ModelArtifacts['initializerSignature'],
  };
  return {
    format,
    modelJsonPath,
    weightPaths: files.map((f) => f.path),
    artifacts,
    sizeBytes: raw.length + weightBytes,
  };
}

export interface ArtifactChecksum {
  /** Hex SHA-256 over model.json followed by the weight files in manifest order. */
  checksum: string;
  /** Bytes of model.json plus the weight files. */
  sizeBytes: number;
}

/**
 * SHA-256 over `model.json` followed by the weight files in manifest order (each file once), and
 * the total size; for an ONNX source (a .onnx file, or a folder with model.onnx), over that file. A TF.js
 * source needs a readable model.json with a weightsManifest and every weight file.
 */
export async function artifactChecksum(source: string): Promise<ArtifactChecksum> {
  const onnxPath = onnxModelPath(source);
  if (onnxPath) return onnxChecksum(onnxPath);
  const modelJsonPath = resolveModelJson(source);
  const { json, raw } = await readModelJson(modelJsonPath);
  const hash = createHash('sha256').update(raw);
  let sizeBytes = raw.length;
  for (const file of weightFilePaths(json, dirname(modelJsonPath))) {
    const buffer = await readWeightFile(file.name, file.path);
    hash.update(buffer);
    sizeBytes += buffer.length;
  }
  return { checksum: hash.digest('hex'), sizeBytes };
}
