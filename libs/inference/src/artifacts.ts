import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { ModelLoadError } from './errors.js';

export type ModelFormat = 'layers' | 'graph';

interface ModelJson {
  format?: string;
  modelTopology?: Record<string, unknown>;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
  generatedBy?: string;
  convertedBy?: string;
  trainingConfig?: unknown;
}

export interface ArtifactBundle {
  format: ModelFormat;
  artifacts: tf.io.ModelArtifacts;
}

/**
 * Tells layers models from graph models by their topology (`model_config`/`class_name` against
 * `node`), not by the optional `format` field.
 */
export function detectFormat(topology: Record<string, unknown> | undefined): ModelFormat | undefined {
  if (!topology || typeof topology !== 'object') return undefined;
  if ('node' in topology) return 'graph';
  if ('model_config' in topology || 'class_name' in topology || 'config' in topology) return 'layers';
  return undefined;
}

async function readModelJson(dir: string): Promise<{ raw: Buffer; json: ModelJson }> {
  let raw: Buffer;
  try {
    raw = await readFile(join(dir, 'model.json'));
  } catch {
    throw new ModelLoadError('model.json is missing');
  }
  try {
    return { raw, json: JSON.parse(raw.toString('utf8')) as ModelJson };
  } catch {
    throw new ModelLoadError('model.json is not valid JSON');
  }
}

function manifestPaths(json: ModelJson): string[] {
  if (!Array.isArray(json.weightsManifest)) throw new ModelLoadError('model.json has no weightsManifest');
  return json.weightsManifest.flatMap((group) => group.paths ?? []);
}

/** Reads `model.json` and its weight files from disk into in-memory artifacts (no file:// handler needed). */
export async function readArtifacts(dir: string): Promise<ArtifactBundle> {
  const { json } = await readModelJson(dir);
  const format = detectFormat(json.modelTopology);
  if (!format) throw new ModelLoadError('model.json has no recognisable modelTopology (neither a layers nor a graph model)');
  const buffers: Buffer[] = [];
  for (const path of manifestPaths(json)) {
    try {
      buffers.push(await readFile(join(dir, path)));
    } catch {
      throw new ModelLoadError(`weight file '${path}' named in the manifest is missing`);
    }
  }
  const weightSpecs = json.weightsManifest!.flatMap((group) => group.weights ?? []);
  const expectedBytes = weightSpecs.reduce((total, spec) => total + byteSize(spec), 0);
  const weightData = Buffer.concat(buffers);
  const hasStrings = weightSpecs.some((spec) => spec.dtype === 'string');
  if (!hasStrings && expectedBytes !== weightData.byteLength) {
    throw new ModelLoadError(`weight files hold ${weightData.byteLength} bytes but the manifest describes ${expectedBytes}`);
  }
  return {
    format,
    artifacts: {
      modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      trainingConfig: json.trainingConfig as tf.io.ModelArtifacts['trainingConfig'],
      signature: json.signature as tf.io.ModelArtifacts['signature'],
      userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts["userDefinedMetadata"],
      modelInitializer: json.modelInitializer as tf.io.ModelArtifacts['modelInitializer'],
      weightSpecs,
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    },
  };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function byteSize(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((product, size) => product * size, 1);
  if (spec.quantization) return count * (DTYPE_BYTES[spec.quantization.dtype] ?? 1);
  if (spec.dtype === 'string') return 0;
  return count * (DTYPE_BYTES[spec.dtype] ?? 4);
}

/** SHA-256 over model.json followed by the weight files in manifest order, and the total size. */
export async function artifactChecksum(dir: string): Promise<{ checksum: string; sizeBytes: number }> {
  const { raw, json } = await readModelJson(dir);
  const hash = createHash('sha256').update(raw);
  let sizeBytes = raw.length;
  for (const path of manifestPaths(json)) {
    const data = await readFile(join(dir, path));
    hash.update(data);
    sizeBytes += data.length;
  }
  return { checksum: hash.digest('hex'), sizeBytes };
}
