import { Injectable } from '@nestjs/common';
import type { ModelVersion, Task } from './model-version.entity.js';
import { modelKey, type LoadedModelInfo } from './model-runtime.js';

/** What a prediction needs to know about a deployed version, held in memory (no query per request). */
export interface DeployedModel {
  key: string;
  name: string;
  version: string;
  task: Task;
  featureNames: string[] | null;
  outputLabels: string[] | null;
  info: LoadedModelInfo;
}

export function describeDeployed(row: ModelVersion, info: LoadedModelInfo): DeployedModel {
  return { key: modelKey(row.name, row.version), name: row.name, version: row.version, task: row.task, featureNames: row.featureNames, outputLabels: row.outputLabels, info };
}

/** The production version of each name that this process has loaded. */
@Injectable()
export class DeployedModels {
  private readonly byName = new Map<string, DeployedModel>();

  set(row: ModelVersion, info: LoadedModelInfo): DeployedModel {
    const deployed = describeDeployed(row, info);
    this.byName.set(row.name, deployed);
    return deployed;
  }

  /** Forgets a version if it is the one held for its name. */
  remove(name: string, version: string): void {
    if (this.byName.get(name)?.version === version) this.byName.delete(name);
  }

  /** `version` undefined or `latest` means the production version. */
  get(name: string, version?: string): DeployedModel | undefined {
    const deployed = this.byName.get(name);
    if (!deployed) return undefined;
    return version === undefined || version === 'latest' || version === deployed.version ? deployed : undefined;
  }

  all(): DeployedModel[] {
    return [...this.byName.values()];
  }
}
