import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { Injectable } from '@nestjs/common';
import { BadRequestError } from '@app/common';
import { artifactChecksum } from '@app/inference';
import { AppConfig } from '@app/config';
import { SAFE_SEGMENT } from './dto/model-fields.js';

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

interface ModelJson {
  weightsManifest?: { paths?: unknown }[];
}

/** The name an ONNX version's one file is stored under (what the runtime looks for in a folder). */
const ONNX_FILE = 'model.onnx';

/**
 * Model artifacts on disk under MODELS_DIR/<name>/<version>/: TF.js's `model.json` and the weight
 * files its manifest names, or ONNX's one `model.onnx`. Every path is checked to stay inside the store.
 */
@Injectable()
export class ModelArtifactStore {
  private readonly root: string;

  constructor(config: AppConfig) {
    this.root = resolve(config.models.dir);
  }

  dirOf(name: string, version: string): string {
    if (!SAFE_SEGMENT.test(name) || !SAFE_SEGMENT.test(version))
      throw new BadRequestError('MODEL_NAME_INVALID', 'Invalid model name or version');
    const dir = resolve(this.root, name, version);
    if (!dir.startsWith(this.root + sep))
      throw new BadRequestError('MODEL_NAME_INVALID', 'Invalid model name or version');
    return dir;
  }

  async exists(name: string, version: string): Promise<boolean> {
    return access(join(this.dirOf(name, version), 'model.json')).then(
      () => true,
      () => false,
    );
  }

  /**
   * Checks the manifest and writes the upload to a folder of its own under `.incoming/`, where
   * concurrent uploads of the same name and version cannot meet. Returns that folder; `commit`
   * moves it into place, `discard` removes it.
   */
  async stage(modelJson: UploadedFile, weights: UploadedFile[]): Promise<string> {
    const manifestPaths = this.manifestPaths(modelJson.buffer);
    const byName = new Map<string, Buffer>();
    for (const file of weights) {
      const fileName = file.originalname;
      if (!isPlainFileName(fileName))
        throw new BadRequestError('MODEL_ARTIFACT_INVALID', `Weight file name '${fileName}' is not allowed`);
      if (!manifestPaths.includes(fileName))
        throw new BadRequestError(
          'MODEL_ARTIFACT_INVALID',
          `Weight file '${fileName}' is not named in model.json's weightsManifest`,
        );
      byName.set(fileName, file.buffer);
    }
    const missing = manifestPaths.filter((path) => !byName.has(path));
    if (missing.length)
      throw new BadRequestError(
        'MODEL_ARTIFACT_INVALID',
        `Missing weight files named in the manifest: ${missing.join(', ')}`,
      );

    return this.writeStaged([['model.json', modelJson.buffer], ...byName]);
  }

  /** Writes an ONNX upload (its one file, checked by the runtime afterwards) to a staging folder of its own. */
  stageOnnx(model: UploadedFile): Promise<string> {
    if (!model.originalname.toLowerCase().endsWith('.onnx'))
      throw new BadRequestError(
        'MODEL_ARTIFACT_INVALID',
        `An ONNX model is one .onnx file, not '${model.originalname}'`,
      );
    return this.writeStaged([[ONNX_FILE, model.buffer]]);
  }

  private async writeStaged(files: Iterable<[string, Buffer]>): Promise<string> {
    const incoming = join(this.root, '.incoming', randomUUID());
    await mkdir(incoming, { recursive: true });
    try {
      for (const [fileName, buffer] of files) await writeFile(join(incoming, fileName), buffer);
      return incoming;
    } catch (error) {
      await this.discard(incoming);
      throw error;
    }
  }

  /**
   * Moves a staged folder to MODELS_DIR/<name>/<version>/. Call it only while holding the version's
   * registry claim: whatever is already there then belongs to no registered version (an upload
   * that crashed before registering) and is replaced.
   */
  async commit(staged: string, name: string, version: string): Promise<string> {
    const target = this.dirOf(name, version);
    await mkdir(resolve(target, '..'), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(staged, target);
    return target;
  }

  async discard(staged: string): Promise<void> {
    await rm(staged, { recursive: true, force: true });
  }

  /** Copies an artifact folder that ships with the product into the store (idempotent). */
  async install(name: string, version: string, sourceDir: string): Promise<string> {
    if (await this.exists(name, version)) return this.dirOf(name, version);
    const modelJson = await readFile(join(sourceDir, 'model.json'));
    const weights = await Promise.all(
      this.manifestPaths(modelJson).map(async (path) => ({
        originalname: path,
        buffer: await readFile(join(sourceDir, path)),
      })),
    );
    const staged = await this.stage({ originalname: 'model.json', buffer: modelJson }, weights);
    // Shipped files are identical in every process: a concurrent install of the same one that
    // lands first is as good as this one.
    return this.commit(staged, name, version).catch(async (error: unknown) => {
      await this.discard(staged);
      if (await this.exists(name, version)) return this.dirOf(name, version);
      throw error;
    });
  }

  /** SHA-256 over model.json then the weight files in manifest order (ONNX: of the file), and the total size. */
  checksum(dir: string): Promise<{ checksum: string; sizeBytes: number }> {
    return artifactChecksum(dir);
  }

  private manifestPaths(modelJson: Buffer): string[] {
    let parsed: ModelJson;
    try {
      parsed = JSON.parse(modelJson.toString('utf8')) as ModelJson;
    } catch {
      throw new BadRequestError('MODEL_ARTIFACT_INVALID', 'model.json is not valid JSON');
    }
    if (!Array.isArray(parsed?.weightsManifest))
      throw new BadRequestError('MODEL_ARTIFACT_INVALID', 'model.json has no weightsManifest');
    const paths = parsed.weightsManifest.flatMap((group) => (Array.isArray(group.paths) ? group.paths : []));
    for (const path of paths) {
      if (typeof path !== 'string' || !isPlainFileName(path))
        throw new BadRequestError(
          'MODEL_ARTIFACT_INVALID',
          `model.json names a weight path that is not allowed: ${String(path)}`,
        );
    }
    return paths as string[];
  }
}

/** A bare file name: no directories, no `..`, not hidden. */
function isPlainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    basename(name) === name &&
    !name.startsWith('.') &&
    !/[\\/]/.test(name) &&
    /^[A-Za-z0-9._-]+$/.test(name)
  );
}
