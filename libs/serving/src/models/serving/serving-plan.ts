import { Injectable } from '@nestjs/common';
import { emptyRoutes, neededVersions, type ServingRoutes } from '../deployed-models.js';
import type { ModelVersion } from '../model-version.entity.js';
import { ModelsRepository } from '../models.repository.js';
import { ModelAliasesRepository } from './model-aliases.repository.js';
import { TrafficPoliciesRepository } from './traffic-policies.repository.js';

/** What every process should serve, read from the registry: the routes and the rows they need loaded. */
export interface ServingPlan {
  routes: ServingRoutes;
  rows: ModelVersion[];
}

/**
 * Reads the serving plan in three queries plus one for the versions routes name beyond the
 * production ones. Archived versions are never loaded (the alias and policy routes refuse them;
 * a route left pointing at one answers 404).
 */
@Injectable()
export class ServingPlanReader {
  constructor(
    private readonly models: ModelsRepository,
    private readonly aliases: ModelAliasesRepository,
    private readonly policies: TrafficPoliciesRepository,
  ) {}

  async read(): Promise<ServingPlan> {
    const [deployed, aliases, policies] = await Promise.all([
      this.models.findDeployed(),
      this.aliases.all(),
      this.policies.all(),
    ]);
    const routes = emptyRoutes();
    for (const row of deployed) routes.production.set(row.name, row.version);
    for (const alias of aliases) {
      const byAlias = routes.aliases.get(alias.modelName) ?? new Map<string, string>();
      routes.aliases.set(alias.modelName, byAlias.set(alias.alias, alias.version));
    }
    for (const policy of policies)
      routes.policies.set(policy.modelName, {
        revision: policy.revision,
        versions: policy.versions,
        shadow: policy.shadow,
      });
    const loaded = new Set(deployed.map((row) => `${row.name}@${row.version}`));
    const names = new Set([...routes.aliases.keys(), ...routes.policies.keys()]);
    const missing = [...names]
      .flatMap((name) => [...neededVersions(routes, name)].map((version) => ({ name, version })))
      .filter(({ name, version }) => !loaded.has(`${name}@${version}`));
    const extra = (await this.models.findVersions(missing)).filter((row) => row.stage !== 'archived');
    return { routes, rows: [...deployed, ...extra] };
  }
}
