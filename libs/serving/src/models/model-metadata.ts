import type { Framework, ModelVersion, Stage, Task } from './model-version.entity.js';

/** What describes a version besides its artifact: from an upload's fields or a shipped metadata.json. */
export interface ModelMetadata {
  name: string;
  version: string;
  description?: string;
  framework: Framework;
  task: Task;
  inputShape: number[];
  featureNames?: string[];
  outputLabels?: string[];
  metrics?: Record<string, number>;
  trainedAt?: string;
}

/** The registry row for a new version: one place for the defaults of optional metadata. */
export function newVersionFields(
  metadata: ModelMetadata,
  artifact: { checksum: string; sizeBytes: number },
  placement: { stage: Stage; deployed: boolean },
): Partial<ModelVersion> {
  return {
    name: metadata.name,
    version: metadata.version,
    description: metadata.description ?? null,
    framework: metadata.framework,
    task: metadata.task,
    inputShape: metadata.inputShape,
    featureNames: metadata.featureNames ?? null,
    outputLabels: metadata.outputLabels ?? null,
    metrics: metadata.metrics ?? {},
    trainedAt: metadata.trainedAt ?? null,
    checksum: artifact.checksum,
    sizeBytes: artifact.sizeBytes,
    ...placement,
  };
}
