import * as tf from '@tensorflow/tfjs';
import { readArtifacts, type ModelFormat } from './artifacts.js';
import { ModelLoadError } from './errors.js';

export interface ModelInfo {
  format: ModelFormat;
  /** One row's shape, without the batch dimension (-1 where the model leaves a size free). */
  inputShape: number[];
  inputDtype: string;
  /** Output values per row. */
  outputSize: number;
}

type Runnable = { kind: 'layers'; model: tf.LayersModel } | { kind: 'graph'; model: tf.GraphModel };

/**
 * One model in memory. `predict` runs inside `tf.tidy` and copies the result out, so no tensor
 * outlives a call, whether it succeeds or throws.
 */
export class LoadedModel {
  private constructor(
    private readonly runnable: Runnable,
    readonly info: ModelInfo,
  ) {}

  /** Loads from a directory, checks the input signature, and warms up with one dummy batch. */
  static async fromDirectory(dir: string): Promise<LoadedModel> {
    const { format, artifacts } = await readArtifacts(dir);
    let runnable: Runnable;
    try {
      runnable =
        format === 'layers'
          ? { kind: 'layers', model: await tf.loadLayersModel({ load: async () => artifacts }) }
          : { kind: 'graph', model: await tf.loadGraphModel({ load: async () => artifacts }) };
    } catch (error) {
      throw new ModelLoadError(`TF.js could not build the ${format} model: ${(error as Error).message}`);
    }
    const input = runnable.model.inputs[0];
    if (!input?.shape || runnable.model.inputs.length !== 1) {
      dispose(runnable);
      throw new ModelLoadError('only models with exactly one input of known rank are supported');
    }
    const inputShape = (input.shape as (number | null)[]).slice(1).map((size) => (size === null || size < 0 ? -1 : size));
    const partial = new LoadedModel(runnable, { format, inputShape, inputDtype: input.dtype ?? 'float32', outputSize: 0 });
    try {
      const outputSize = partial.warmUp();
      return new LoadedModel(runnable, { ...partial.info, outputSize });
    } catch (error) {
      dispose(runnable);
      throw error instanceof ModelLoadError ? error : new ModelLoadError(`the model failed its warm-up run: ${(error as Error).message}`);
    }
  }

  /** Runs `rows` rows packed row-major in `input`; returns rows × outputSize values. */
  predict(input: Float32Array, rows: number): Float32Array {
    const shape = [rows, ...this.info.inputShape];
    return tf.tidy(() => {
      const batch = tf.tensor(input, shape, this.info.inputDtype === 'int32' ? 'int32' : 'float32');
      const output = this.run(batch);
      return Float32Array.from(output.dataSync());
    });
  }

  dispose(): void {
    dispose(this.runnable);
  }

  private run(batch: tf.Tensor): tf.Tensor {
    const result = this.runnable.kind === 'layers' ? this.runnable.model.predict(batch) : this.runnable.model.execute(batch);
    const first: tf.Tensor = Array.isArray(result) ? result[0] : result instanceof tf.Tensor ? result : (Object.values(result)[0] as tf.Tensor);
    return first.reshape([batch.shape[0], -1]);
  }

  /** One dummy row through the model: compiles kernels now, and measures the output size. */
  private warmUp(): number {
    if (this.info.inputShape.includes(-1)) throw new ModelLoadError(`the input shape ${JSON.stringify(this.info.inputShape)} has free dimensions besides the batch`);
    const size = this.info.inputShape.reduce((product, dim) => product * dim, 1);
    const output = this.predict(new Float32Array(size), 1);
    if (output.length === 0) throw new ModelLoadError('the model produced no output');
    return output.length;
  }
}

function dispose(runnable: Runnable): void {
  runnable.model.dispose();
}
