import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/common';
import type { ModelVersion } from '../model-version.entity.js';
import { ModelsRepository } from '../models.repository.js';
import { ModelAliasesRepository } from './model-aliases.repository.js';
import { TrafficPoliciesRepository } from './traffic-policies.repository.js';

/** What the registry routes read about aliases and policies naming a version (database reads, not the request path). */
@Injectable()
export class VersionReferences {
  constructor(
    private readonly models: ModelsRepository,
    private readonly aliases: ModelAliasesRepository,
    private readonly policies: TrafficPoliciesRepository,
  ) {}

  /** A version a route may point at: 404 for an unknown model or version, 409 when archived. */
  async routable(name: string, version: string): Promise<ModelVersion> {
    const row = await this.models.findVersion(name, version);
    if (!row) {
      await this.modelExists(name);
      throw new NotFoundError('MODEL_VERSION_NOT_FOUND', 'Model version', `${name}@${version}`);
    }
    if (row.stage === 'archived')
      throw new ConflictError(
        'MODEL_ARCHIVED',
        `Model '${name}' version '${version}' is archived; a route cannot point at it`,
      );
    return row;
  }

  /** 404 for a name the registry never had. */
  async modelExists(name: string): Promise<void> {
    if (!(await this.models.findNewest(name))) throw new NotFoundError('MODEL_NOT_FOUND', 'Model', name);
  }

  /** Whether a version of this name is called `version` (an alias may not shadow it). */
  async isVersion(name: string, version: string): Promise<boolean> {
    return (await this.models.findVersion(name, version)) !== null;
  }

  /** The row an alias points at, or null. */
  async aliasedRow(name: string, alias: string): Promise<ModelVersion | null> {
    const found = await this.aliases.find(name, alias);
    return found ? this.models.findVersion(name, found.version) : null;
  }

  aliasesByVersion(names: string[]): Promise<Map<string, string[]>> {
    return this.aliases.byVersion(names);
  }

  /** An archived version is never loaded again, so nothing may still route to it. */
  async refuseArchiveOfReferenced(name: string, version: string): Promise<void> {
    const aliases = await this.aliases.pointsAt(name, version);
    if (aliases.length)
      throw new ConflictError(
        'MODEL_VERSION_IN_USE',
        `Model '${name}' version '${version}' is the target of ` +
          `alias(es) ${aliases.join(', ')}; move or delete them first`,
      );
    const policy = await this.policies.find(name);
    if (policy && (policy.versions.some((entry) => entry.version === version) || policy.shadow.includes(version))) {
      throw new ConflictError(
        'MODEL_VERSION_IN_USE',
        `Model '${name}' version '${version}' is in the traffic policy; change or delete the policy first`,
      );
    }
  }
}
