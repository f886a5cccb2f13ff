import { createHash } from 'node:crypto';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { artifactChecksum, detectFormat, readModelArtifacts } from './artifacts.js';
import { selectBackend } from './backend.js';
import { ModelLoadError } from './errors.js';
import { loadModel } from './load-model.js';
import { copyArtifact, shippedModelDir } from './testing/paths.js';

/** Runs `fn` and returns the ModelLoadError it must throw. */
async function loadError(fn: () => Promise<unknown>): Promise<ModelLoadError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelLoadError);
    return error as ModelLoadError;
  }
  throw new Error('expected a ModelLoadError');
}

describe('artifacts', () => {
  const sensor = shippedModelDir('sensor-anomaly');

  beforeAll(async () => {
    await selectBackend('cpu');
  });

  describe('artifactChecksum', () => {
    it('is the SHA-256 of model.json followed by the weight files in manifest order, and stable', async () => {
      const modelJson = await readFile(join(sensor, 'model.json'));
      const manifest = JSON.parse(modelJson.toString('utf8')) as { weightsManifest: { paths: string[] }[] };
      const hash = createHash('sha256').update(modelJson);
      let size = modelJson.length;
      for (const path of manifest.weightsManifest.flatMap((group) => group.paths)) {
        const data = await readFile(join(sensor, path));
        hash.update(data);
        size += data.length;
      }
      const first = await artifactChecksum(sensor);
      const second = await artifactChecksum(sensor);
      expect(first).toEqual({ checksum: hash.digest('hex'), sizeBytes: size });
      expect(second).toEqual(first);
      expect(first.checksum).toMatch(/^[0-9a-f]{64}$/);
      // the path of model.json itself is accepted too
      expect(await artifactChecksum(join(sensor, 'model.json'))).toEqual(first);
    });

    it('is the same for a copy and changes when one weight byte changes', async () => {
      const copy = await copyArtifact(sensor);
      const original = await artifactChecksum(sensor);
      expect(await artifactChecksum(copy)).toEqual(original);
      const weights = await readFile(join(copy, 'weights.bin'));
      weights[10] ^= 0xff;
      await writeFile(join(copy, 'weights.bin'), weights);
      const changed = await artifactChecksum(copy);
      expect(changed.checksum).not.toBe(original.checksum);
      expect(changed.sizeBytes).toBe(original.sizeBytes);
    });
  });

  describe('format detection', () => {
    it('goes by the topology, not the format field', () => {
      expect(detectFormat({ node: [], versions: {} })).toBe('graph');
      expect(detectFormat({ model_config: { class_name: 'Sequential' } })).toBe('layers');
      expect(detectFormat({ class_name: 'Sequential', config: {} })).toBe('layers');
      expect(detectFormat({ something: 1 })).toBeUndefined();
      expect(detectFormat(undefined)).toBeUndefined();
    });

    it('ignores a misleading format field', async () => {
      const copy = await copyArtifact(sensor);
      const json = JSON.parse(await readFile(join(copy, 'model.json'), 'utf8')) as Record<string, unknown>;
      json.format = 'graph-model';
      await writeFile(join(copy, 'model.json'), JSON.stringify(json));
      expect((await readModelArtifacts(copy)).format).toBe('layers');
      const model = await loadModel(copy);
      expect(model.info.format).toBe('layers');
      model.dispose();
    });
  });

  describe('corrupt artifacts give a ModelLoadError with a human reason', () => {
    it('missing model.json', async () => {
      const copy = await copyArtifact(sensor);
      await rm(join(copy, 'model.json'));
      const error = await loadError(() => loadModel(copy));
      expect(error.code).toBe('MODEL_JSON_MISSING');
      expect(error.reason).toBe('model.json not found');
      expect(error.reason).not.toContain(copy);
    });

    it('bad JSON', async () => {
      const copy = await copyArtifact(sensor);
      await writeFile(join(copy, 'model.json'), '{"modelTopology": {');
      const error = await loadError(() => loadModel(copy));
      expect(error.code).toBe('BAD_JSON');
      expect(error.reason).toMatch(/^model\.json is not valid JSON/);
      expect((await loadError(() => artifactChecksum(copy))).code).toBe('BAD_JSON');
    });

    it('a weights-only manifest or an unknown topology', async () => {
      const copy = await copyArtifact(sensor);
      const json = JSON.parse(await readFile(join(copy, 'model.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(copy, 'model.json'), JSON.stringify({ weightsManifest: json.weightsManifest }));
      expect((await loadError(() => loadModel(copy))).code).toBe('BAD_MODEL_JSON');
      await writeFile(join(copy, 'model.json'), JSON.stringify({ ...json, modelTopology: { foo: 1 } }));
      const error = await loadError(() => loadModel(copy));
      expect(error.code).toBe('UNKNOWN_FORMAT');
      expect(error.reason).toMatch(/neither a layers model/);
    });

    it('missing weights file', async () => {
      const copy = await copyArtifact(sensor);
      await rm(join(copy, 'weights.bin'));
      const error = await loadError(() => loadModel(copy));
      expect(error.code).toBe('WEIGHTS_MISSING');
      expect(error.reason).toBe("weight file 'weights.bin' named in weightsManifest is missing");
      expect((await loadError(() => artifactChecksum(copy))).code).toBe('WEIGHTS_MISSING');
    });

    it('truncated weights', async () => {
      const copy = await copyArtifact(sensor);
      await truncate(join(copy, 'weights.bin'), 100);
      const error = await loadError(() => loadModel(copy));
      expect(error.code).toBe('WEIGHTS_SIZE_MISMATCH');
      expect(error.reason).toMatch(
        /^weight files hold 100 bytes but weightsManifest describes \d+ bytes \(truncated\?\)/,
      );
    });

    it('weights whose shapes disagree with the layers', async () => {
      const copy = await copyArtifact(sensor);
      const json = JSON.parse(await readFile(join(copy, 'model.json'), 'utf8')) as {
        weightsManifest: { weights: { shape: number[] }[] }[];
      };
      // Same byte count, transposed kernel: only the layer can tell.
      const kernel = json.weightsManifest[0].weights[0];
      kernel.shape = [...kernel.shape].reverse();
      await writeFile(join(copy, 'model.json'), JSON.stringify(json));
      const error = await loadError(() => loadModel(copy));
      expect(error.code).toBe('INVALID_MODEL');
      expect(error.reason).toMatch(/^cannot load the layers model: .*shape/i);
    });

    it('a weight path that leaves the model folder', async () => {
      const copy = await copyArtifact(sensor);
      const json = JSON.parse(await readFile(join(copy, 'model.json'), 'utf8')) as {
        weightsManifest: { paths: string[] }[];
      };
      json.weightsManifest[0].paths = ['../weights.bin'];
      await writeFile(join(copy, 'model.json'), JSON.stringify(json));
      expect((await loadError(() => loadModel(copy))).code).toBe('UNSAFE_PATH');
      expect((await loadError(() => artifactChecksum(copy))).code).toBe('UNSAFE_PATH');
    });

    it('an input shape that disagrees with the expected one', async () => {
      const error = await loadError(() => loadModel(sensor, { expectedInputShape: [4] }));
      expect(error.code).toBe('INPUT_SHAPE_MISMATCH');
      expect(error.reason).toBe("the model's input shape is [3], not [4]");
    });
  });
});
