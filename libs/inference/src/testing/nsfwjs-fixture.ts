import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/**
 * Third-party fixtures: the pre-trained models that the `nsfwjs` npm package (a devDependency)
 * ships inside itself, under node_modules/nsfwjs/dist/models/<name>/. The package stores
 * model.json and each weight shard as small UMD modules (`model.min.js` exports the model JSON,
 * `group1-shardXofY.min.js` exports the shard as base64) so that bundlers can inline them; this
 * helper turns them back into an ordinary TF.js artifact folder (model.json + binary shards).
 * Nothing is downloaded.
 *
 * - `mobilenet_v2`: a **layers** model (Keras MobileNetV2), input [224, 224, 3], 5 outputs.
 * - `mobilenet_v2_mid`: a **graph** model (converter output), input [224, 224, 3], 5 outputs.
 */
export type NsfwjsModelName = 'mobilenet_v2' | 'mobilenet_v2_mid';

export const NSFWJS_MODELS: Record<
  NsfwjsModelName,
  { format: 'layers' | 'graph'; shards: number; exportName: string }
> = {
  mobilenet_v2: { format: 'layers', shards: 1, exportName: 'MobileNetV2' },
  mobilenet_v2_mid: { format: 'graph', shards: 2, exportName: 'MobileNetV2Mid' },
};

const require = createRequire(import.meta.url);

/** node_modules/nsfwjs, or undefined when the devDependency is not installed. */
export function nsfwjsRoot(): string | undefined {
  try {
    // package "main" is dist/cjs/index.js
    return resolve(dirname(require.resolve('nsfwjs')), '..', '..');
  } catch {
    return undefined;
  }
}

interface ModelJson {
  weightsManifest: { paths: string[] }[];
  [key: string]: unknown;
}

/** Writes `name` as model.json + shard files into `target` and returns `target`. */
export async function materializeNsfwjsModel(name: NsfwjsModelName, target: string): Promise<string> {
  const root = nsfwjsRoot();
  if (!root) throw new Error('the nsfwjs devDependency is not installed');
  const folder = join(root, 'dist', 'models', name);
  const loaded = require(join(folder, 'model.min.js')) as ModelJson | { default: ModelJson };
  const modelJson = ('default' in loaded ? loaded.default : loaded) as ModelJson;
  await mkdir(target, { recursive: true });
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) {
      const shard = require(join(folder, `${path}.min.js`)) as string | { default: string };
      const base64 = typeof shard === 'string' ? shard : shard.default;
      await writeFile(join(target, path), Buffer.from(base64, 'base64'));
    }
  }
  await writeFile(join(target, 'model.json'), JSON.stringify(modelJson));
  return target;
}
