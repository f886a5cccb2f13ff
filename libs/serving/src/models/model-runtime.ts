import type {
  AdmissionRefusal,
  Admission,
  BatchStats,
  DeclaredSignature,
  NamedInput,
  NamedOutput,
  ResidencyState,
  TensorSpec,
} from '@app/inference';

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
  /** ONNX only: every input and output as the model states it (V2 metadata and named tensors). */
  tensors?: { inputs: TensorSpec[]; outputs: TensorSpec[]; batching: boolean };
}

export interface PredictOutput {
  /** rows × outputSize values, row-major. */
  values: Float32Array;
  outputSize: number;
}

/** Thrown when an artifact cannot be loaded; `reason` is safe to show to the uploader. */
export { AdmissionError, ModelLoadError, ResidencyError, TensorValueError } from '@app/inference';
export type { Admission, BatchStats, NamedInput, NamedOutput } from '@app/inference';

/**
 * The port between the API and the runtime (libs/inference: TF.js and ONNX). Services depend on
 * this abstract class, so service tests can replace the runtime; models.module.ts binds it to
 * libs/inference's ModelServer.
 * Keys are `name@version`.
 */
export abstract class ModelRuntime {
  abstract readonly backend: string;
  /** Loads an artifact once to check it against `declared`, then frees it. */
  abstract inspect(dir: string, declared?: DeclaredSignature): Promise<LoadedModelInfo>;
  /**
   * Loads and warms up, then swaps in; requests in flight finish on the version they started on.
   * `declared` fills an ONNX model's free dimensions.
   */
  abstract load(key: string, dir: string, declared?: DeclaredSignature): Promise<LoadedModelInfo>;
  /** Stops new requests; the model is freed once no request holds it. */
  abstract unload(key: string): void;
  /** What a registered version reported at its last load, resident or evicted under the memory budget. */
  abstract info(key: string): LoadedModelInfo | undefined;
  /** Every registered version, resident or evicted. */
  abstract loadedKeys(): string[];
  /**
   * Runs `rows` rows; the model is held for exactly the duration of the call. Undefined when not
   * loaded. An evicted version is loaded first, within `admission.deadline` (ResidencyError
   * otherwise); AdmissionError when the call cannot start within its deadline or its queue is full.
   */
  abstract predict(
    key: string,
    input: Float32Array,
    rows: number,
    admission?: Admission,
  ): Promise<PredictOutput | undefined>;
  /** Named tensors in and out (V2 on ONNX versions), through the same queue. Undefined when not loaded. */
  abstract infer(key: string, inputs: NamedInput[], admission?: Admission): Promise<NamedOutput[] | undefined>;
  /**
   * The refusal a sheddable call of `rows` rows arriving now would get from `key`'s queue, without
   * queueing it (undefined: admitted, or not known before it runs).
   */
  abstract refusalFor(key: string, rows: number, admission: Admission): AdmissionRefusal | undefined;
  /** Executions, requests and rows run under `key` in this process (average batch size: requests ÷ executions). */
  abstract batchStats(key: string): BatchStats;
  /** Keeps a version from eviction until the returned release is called (a job's version). */
  abstract pin(key: string): () => void;
  abstract isResident(key: string): boolean;
  /** The memory budget and, per registered version, whether it is resident, its bytes and users. */
  abstract residencyReport(): { budgetBytes?: number; versions: ResidencyState[] };
}

export const modelKey = (name: string, version: string) => `${name}@${version}`;

/** What a registry row (or an upload) declares that a load needs (an ONNX model's free dimensions). */
export const declaredOf = (row: { inputShape: number[]; featureNames?: string[] | null }): DeclaredSignature => ({
  inputShape: row.inputShape,
  featureNames: row.featureNames ?? undefined,
});
