/** What the runtime reports about a loaded model, so the API can validate rows before any tensor. */
export interface LoadedModelInfo {
  format: 'layers' | 'graph' | 'onnx';
  /** One row's shape, without the batch dimension. */
  inputShape: number[];
  inputDtype: string;
  /** Output values per row. */
  outputSize: number;
  /** The input tensor's name in the graph (the V2 protocol's input name); absent from fakes. */
  inputName?: string;
}

export interface PredictOutput {
  /** rows × outputSize values, row-major. */
  values: Float32Array;
  outputSize: number;
}

/** Thrown when an artifact cannot be loaded; `reason` is safe to show to the uploader. */
export { ModelLoadError } from '@app/inference';

/**
 * The port between the API and the TF.js runtime (libs/inference). Services depend on this
 * abstract class, so service tests can replace the runtime; models.module.ts binds it to
 * libs/inference's ModelServer.
 * Keys are `name@version`.
 */
export abstract class ModelRuntime {
  abstract readonly backend: string;
  /** Loads an artifact once to check it, then frees it. */
  abstract inspect(dir: string): Promise<LoadedModelInfo>;
  /** Loads and warms up, then swaps in; requests in flight finish on the version they started on. */
  abstract load(key: string, dir: string): Promise<LoadedModelInfo>;
  /** Stops new requests; the model is freed once no request holds it. */
  abstract unload(key: string): void;
  abstract info(key: string): LoadedModelInfo | undefined;
  abstract loadedKeys(): string[];
  /** Runs `rows` rows; the model is held for exactly the duration of the call. Undefined when not loaded. */
  abstract predict(key: string, input: Float32Array, rows: number): Promise<PredictOutput | undefined>;
}

export const modelKey = (name: string, version: string) => `${name}@${version}`;
