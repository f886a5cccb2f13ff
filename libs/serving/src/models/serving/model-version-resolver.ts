import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { DeployedModels, type DeployedModel } from '../deployed-models.js';
import { stickyVersion } from './sticky-split.js';

/** The version a call runs on, and the shadow versions that get a copy of it. */
export interface Resolution {
  model: DeployedModel;
  shadows: DeployedModel[];
}

/** Names that are never aliases: `latest` and `production` both mean the production version. */
export const RESERVED_ALIASES = ['latest', 'production'] as const;

/**
 * The one place a requested version becomes a loaded model, for predict, jobs, the stream,
 * ingestion and V2, from memory only. No version: the name's traffic policy when it has one
 * (sticky per caller, with its shadows), else production. `latest`/`production`: production.
 * Otherwise a version of that name, else an alias of that name. Naming a version or an alias
 * bypasses the policy (and its shadows).
 */
@Injectable()
export class ModelVersionResolver {
  constructor(private readonly deployed: DeployedModels) {}

  resolve(name: string, requested?: string, caller = 'anonymous'): Resolution {
    if (requested === undefined) {
      const policy = this.deployed.policyOf(name);
      if (policy) {
        const model = this.loaded(name, stickyVersion(policy.versions, policy.revision, caller), name);
        const shadows = policy.shadow
          .filter((version) => version !== model.version)
          .flatMap((version) => this.deployed.get(name, version) ?? []);
        return { model, shadows };
      }
    }
    return { model: this.model(name, requested), shadows: [] };
  }

  /** The model a request names (no policy): throws NotFoundError (404) when not loaded here. */
  model(name: string, requested?: string): DeployedModel {
    const model = this.find(name, requested);
    if (!model) throw notDeployed(requested === undefined ? name : `${name}@${requested}`);
    return model;
  }

  /**
   * Every loaded version a call may run on before its body says which: the one `requested` names,
   * else any its name routes to (production, aliases, policy versions).
   */
  candidates(name: string, requested?: string): DeployedModel[] {
    if (requested === undefined) return this.deployed.routableVersions(name);
    const model = this.find(name, requested);
    return model ? [model] : [];
  }

  private find(name: string, requested?: string): DeployedModel | undefined {
    if (requested === undefined || (RESERVED_ALIASES as readonly string[]).includes(requested))
      return this.deployed.get(name);
    const version = this.deployed.get(name, requested)
      ? requested
      : (this.deployed.aliasTarget(name, requested) ?? requested);
    return this.deployed.get(name, version);
  }

  private loaded(name: string, version: string | undefined, shown: string): DeployedModel {
    const model = this.deployed.get(name, version);
    if (!model) throw notDeployed(shown);
    return model;
  }
}

const notDeployed = (shown: string) => new NotFoundError('MODEL_NOT_DEPLOYED', 'Deployed model', shown);
