import { Injectable } from '@nestjs/common';
import type { ModelVersion, Task } from './model-version.entity.js';
import { modelKey, type LoadedModelInfo } from './model-runtime.js';
import type { WeightedVersion } from './serving/traffic-policy.entity.js';

/** What a prediction needs to know about a loaded version, held in memory (no query per request). */
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
  return {
    key: modelKey(row.name, row.version),
    name: row.name,
    version: row.version,
    task: row.task,
    featureNames: row.featureNames,
    outputLabels: row.outputLabels,
    info,
  };
}

/** A traffic policy as the request path reads it. */
export interface ServingPolicy {
  revision: number;
  versions: WeightedVersion[];
  shadow: string[];
}

/** Which versions a name is served by: production, aliases, traffic policy (from the registry). */
export interface ServingRoutes {
  production: Map<string, string>;
  aliases: Map<string, Map<string, string>>;
  policies: Map<string, ServingPolicy>;
}

export const emptyRoutes = (): ServingRoutes => ({ production: new Map(), aliases: new Map(), policies: new Map() });

/**
 * The versions this process has loaded (several per name) and the routes to them. A version is
 * kept resident while a route needs it: it is the production version, an alias points at it, or
 * the name's traffic policy lists it (as a primary or a shadow). Jobs hold versions on their own
 * (ModelResidency).
 */
@Injectable()
export class DeployedModels {
  private readonly byKey = new Map<string, DeployedModel>();
  private routes = emptyRoutes();

  /** Registers a loaded version; no route points at it until one is set. */
  add(row: ModelVersion, info: LoadedModelInfo): DeployedModel {
    const deployed = describeDeployed(row, info);
    this.byKey.set(deployed.key, deployed);
    return deployed;
  }

  /** Registers a loaded version and makes it its name's production version. */
  set(row: ModelVersion, info: LoadedModelInfo): DeployedModel {
    const deployed = this.add(row, info);
    this.routes.production.set(row.name, row.version);
    return deployed;
  }

  /** Forgets a loaded version (and the production route, if it was that version). */
  remove(name: string, version: string): void {
    this.byKey.delete(modelKey(name, version));
    if (this.routes.production.get(name) === version) this.routes.production.delete(name);
  }

  /** Drops the production route of a name (undeploy, archive). */
  clearProduction(name: string, version: string): void {
    if (this.routes.production.get(name) === version) this.routes.production.delete(name);
  }

  /** `version` undefined, `latest` or `production` means the production version; else that version, if loaded here. */
  get(name: string, version?: string): DeployedModel | undefined {
    if (version === undefined || version === 'latest' || version === 'production') {
      const production = this.routes.production.get(name);
      return production === undefined ? undefined : this.byKey.get(modelKey(name, production));
    }
    return this.byKey.get(modelKey(name, version));
  }

  aliasTarget(name: string, alias: string): string | undefined {
    return this.routes.aliases.get(name)?.get(alias);
  }

  setAlias(name: string, alias: string, version: string | undefined): void {
    const aliases = this.routes.aliases.get(name) ?? new Map<string, string>();
    if (version === undefined) aliases.delete(alias);
    else aliases.set(alias, version);
    this.routes.aliases.set(name, aliases);
  }

  policyOf(name: string): ServingPolicy | undefined {
    return this.routes.policies.get(name);
  }

  setPolicy(name: string, policy: ServingPolicy | undefined): void {
    if (policy) this.routes.policies.set(name, policy);
    else this.routes.policies.delete(name);
  }

  /** Swaps in the routes read from the registry (the periodic sync), all at once. */
  replaceRoutes(routes: ServingRoutes): void {
    this.routes = routes;
  }

  /** Whether a route still needs this version resident. */
  needs(name: string, version: string): boolean {
    return neededVersions(this.routes, name).has(version);
  }

  /** The loaded versions a call to `name` may run on: production, alias targets, policy versions. */
  routableVersions(name: string): DeployedModel[] {
    return [...neededVersions(this.routes, name)].flatMap((version) => this.byKey.get(modelKey(name, version)) ?? []);
  }

  all(): DeployedModel[] {
    return [...this.byKey.values()];
  }
}

/** The versions of a name its routes need: production ∪ alias targets ∪ policy primaries and shadows. */
export function neededVersions(routes: ServingRoutes, name: string): Set<string> {
  const needed = new Set<string>(routes.aliases.get(name)?.values() ?? []);
  const production = routes.production.get(name);
  if (production !== undefined) needed.add(production);
  const policy = routes.policies.get(name);
  for (const { version } of policy?.versions ?? []) needed.add(version);
  for (const version of policy?.shadow ?? []) needed.add(version);
  return needed;
}
