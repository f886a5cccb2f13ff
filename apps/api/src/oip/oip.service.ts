import { Injectable } from '@nestjs/common';
import { BadRequestError, RetryLaterError } from '@app/common';
import { InferenceService, MAX_PREDICT_ROWS } from '@app/serving/inference/inference.service.js';
import type { DeployedModel } from '@app/serving/models/deployed-models.js';
import { ModelLoadFailures } from '@app/serving/models/model-load-failures.js';
import { ModelRuntime } from '@app/serving/models/model-runtime.js';
import { ModelSyncService } from '@app/serving/models/model-sync.service.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { ModelVersionResolver } from '@app/serving/models/serving/model-version-resolver.js';
import { callerKey } from '@app/serving/models/serving/sticky-split.js';
import type { V2InferBody } from './v2-infer-body.pipe.js';
import { metadataOf, namedRun, selectNamed, type TensorMetadata } from './v2-named-tensors.js';
import { decodeInputs, type InputSpec } from './v2-tensors.js';
import { readPackageInfo } from '../home/package-info.js';

const PLATFORM = { layers: 'tensorflowjs_layers', graph: 'tensorflowjs_graph', onnx: 'onnxruntime_onnx' } as const;

export interface ResponseTensor extends TensorMetadata {
  data: (number | string | boolean)[];
}

/** The tensors a model answers with: its raw rows, and for classifiers the argmax label. */
function outputsOf(model: DeployedModel): TensorMetadata[] {
  const size = model.info.outputSize;
  if (model.task !== 'classification') return [{ name: 'values', datatype: 'FP32', shape: [-1, size] }];
  return [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, size] },
    { name: 'label', datatype: 'BYTES', shape: [-1] },
  ];
}
/** Answered when the request names no outputs (the label only on request). */
const DEFAULT_OUTPUTS = new Set(['probabilities', 'values']);

function inputSpec(model: DeployedModel): InputSpec {
  return { name: model.info.inputName ?? 'input', rowShape: model.info.inputShape, maxRows: MAX_PREDICT_ROWS };
}

/**
 * The Open Inference Protocol (V2) over the product's own serving: versions resolve through
 * ModelVersionResolver (the resolver predict uses, so `latest` and aliases mean the same
 * here), and infer goes through InferenceService (same batching, records, metrics).
 */
@Injectable()
export class OipService {
  constructor(
    private readonly models: ModelVersionResolver,
    private readonly inference: InferenceService,
    private readonly sync: ModelSyncService,
    private readonly failures: ModelLoadFailures,
    private readonly runtime: ModelRuntime,
  ) {}

  serverMetadata() {
    // The same name and version as GET / and the OpenAPI document: package.json's.
    const { name, version } = readPackageInfo();
    return { name, version, extensions: [] as string[] };
  }

  /** Every deployed version is loaded here (none still loading, none failed). */
  isReady(): boolean {
    return this.sync.isReady() && this.failures.all().length === 0;
  }

  /** Throws NotFoundError (404) unless the model (and version) is deployed and loaded here. */
  resolve(name: string, version?: string): DeployedModel {
    return this.models.model(name, version);
  }

  /**
   * Model readiness: 404 unless deployed and loaded here, 503 (MODEL_NOT_RESIDENT) while evicted
   * under the memory budget (its next call loads it again).
   */
  resolveResident(name: string, version?: string): DeployedModel {
    const model = this.resolve(name, version);
    if (!this.runtime.isResident(model.key))
      throw new RetryLaterError(
        'MODEL_NOT_RESIDENT',
        `Model '${model.name}' version '${model.version}' is deployed but not resident (evicted under the ` +
          'memory budget); its next inference loads it',
        1,
      );
    return model;
  }

  modelMetadata(name: string, version?: string) {
    const model = this.resolve(name, version);
    const input = inputSpec(model);
    const { tensors } = model.info;
    return {
      name: model.name,
      versions: [model.version],
      platform: PLATFORM[model.info.format],
      inputs: tensors
        ? metadataOf(tensors.inputs)
        : [{ name: input.name, datatype: 'FP32', shape: [-1, ...input.rowShape] }],
      outputs: tensors ? metadataOf(tensors.outputs) : outputsOf(model),
    };
  }

  /** `receivedAt`: performance.now() when the request arrived (its deadline counts from there). */
  async infer(name: string, version: string | undefined, body: V2InferBody, user: AuthUser, receivedAt?: number) {
    let selected: TensorMetadata[] = [];
    const result = await this.inference.predictTensors({
      name,
      version,
      inputs: body.inputs,
      userId: user.id,
      source: 'oip',
      timeoutMs: body.timeoutMs,
      receivedAt,
      caller: callerKey({ userId: user.id, apiKeyId: user.apiKey?.id }),
      // Checked against the resolved version, inside the one path (a refusal is logged like predict's).
      packed: (model) => {
        selected = selectOutputs(model, body.outputs);
        return decodeInputs(body.inputs, inputSpec(model));
      },
      // An ONNX version takes the tensors by name, with their own datatypes (several inputs, int64).
      named: (model) => (model.info.tensors ? namedRun(model.info.tensors.outputs, body) : undefined),
    });
    const envelope = {
      model_name: result.model,
      model_version: result.version,
      ...(body.id === undefined ? {} : { id: body.id }),
    };
    if ('tensors' in result) return { ...envelope, outputs: selectNamed(result.tensors, body.outputs) };
    const rows = result.predictions.length;
    const { values, outputSize } = result.output;
    const outputs: ResponseTensor[] = selected.map((tensor) =>
      tensor.name === 'label'
        ? {
            ...tensor,
            shape: [rows],
            data: result.predictions.map((prediction) => (prediction as { label: string }).label),
          }
        : { ...tensor, shape: [rows, outputSize], data: Array.from(values) },
    );
    return { ...envelope, outputs };
  }
}

function selectOutputs(model: DeployedModel, requested: string[] | undefined): TensorMetadata[] {
  const available = outputsOf(model);
  if (!requested) return available.filter((tensor) => DEFAULT_OUTPUTS.has(tensor.name));
  return requested.map((name) => {
    const found = available.find((tensor) => tensor.name === name);
    if (!found)
      throw new BadRequestError(
        'INFERENCE_INPUT_INVALID',
        `unknown output '${name}' (outputs: ${available.map((tensor) => tensor.name).join(', ')})`,
      );
    return found;
  });
}
