import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError, type FieldError } from '@app/common';
import { DeployedModels } from '../deployed-models.js';
import { ModelEventsService } from '../events/model-events.service.js';
import type { ModelVersion } from '../model-version.entity.js';
import { ModelsService } from '../models.service.js';
import type { PutTrafficPolicyDto, TrafficPolicyResponseDto } from './dto/traffic.dto.js';
import { ResidentVersions } from './resident-versions.js';
import { TOTAL_WEIGHT } from './sticky-split.js';
import { TrafficPoliciesRepository } from './traffic-policies.repository.js';
import type { TrafficPolicy } from './traffic-policy.entity.js';
import { TrafficStats, type TrafficStatsReport } from './traffic-stats.js';
import { VersionReferences } from './version-references.js';

/**
 * A model's traffic policy. PUT checks the versions (exist, not archived, one input shape so a
 * shadow can take the primary's rows as they are), loads every one of them here, then stores the
 * policy and switches this process's route; versions the old policy named and nothing needs any
 * more are unloaded last.
 */
@Injectable()
export class TrafficPoliciesService {
  constructor(
    private readonly models: ModelsService,
    private readonly policies: TrafficPoliciesRepository,
    private readonly references: VersionReferences,
    private readonly resident: ResidentVersions,
    private readonly deployed: DeployedModels,
    private readonly events: ModelEventsService,
    private readonly stats: TrafficStats,
  ) {}

  async get(name: string): Promise<TrafficPolicyResponseDto> {
    const policy = await this.policies.find(name);
    if (!policy) {
      await this.references.modelExists(name);
      throw new NotFoundError('TRAFFIC_POLICY_NOT_FOUND', 'Traffic policy', name);
    }
    return toResponse(policy);
  }

  put(name: string, dto: PutTrafficPolicyDto, actorId?: number): Promise<TrafficPolicyResponseDto> {
    const shadow = dto.shadow ?? [];
    checkShape(dto, shadow);
    return this.models.changes.run(async () => {
      const rows: ModelVersion[] = [];
      for (const version of [...dto.versions.map((entry) => entry.version), ...shadow])
        rows.push(await this.references.routable(name, version));
      const shape = JSON.stringify(rows[0].inputShape);
      const odd = rows.find((row) => JSON.stringify(row.inputShape) !== shape);
      if (odd)
        throw new ValidationFailedError([
          {
            field: 'versions',
            message:
              `version ${odd.version} has input shape ` +
              `${JSON.stringify(odd.inputShape)}, not ${shape} like ${rows[0].version}`,
          },
        ]);
      const versions = dto.versions.map(({ version, weight }) => ({ version, weight }));
      const previous = await this.policies.find(name);
      try {
        for (const row of rows) await this.resident.ensure(row);
        const stored = await this.policies.put(name, versions, shadow);
        this.deployed.setPolicy(name, { revision: stored.revision, versions: stored.versions, shadow: stored.shadow });
        await this.events.record('policy', name, versions[0].version, actorId, {
          revision: stored.revision,
          versions,
          shadow,
        });
        return toResponse(stored);
      } finally {
        // What the old policy named, and what this one loaded if it failed, unless still needed.
        this.resident.retireUnneeded(name, [...policyVersions(previous), ...rows.map((row) => row.version)]);
      }
    });
  }

  remove(name: string, actorId?: number): Promise<void> {
    return this.models.changes.run(async () => {
      const previous = await this.policies.remove(name);
      if (!previous) {
        await this.references.modelExists(name);
        throw new NotFoundError('TRAFFIC_POLICY_NOT_FOUND', 'Traffic policy', name);
      }
      this.deployed.setPolicy(name, undefined);
      this.resident.retireUnneeded(name, policyVersions(previous));
      await this.events.record('policy', name, previous.versions[0]?.version ?? '', actorId, {
        revision: null,
        versions: null,
        shadow: null,
        removed: previous.revision,
      });
    });
  }

  async statsOf(name: string): Promise<TrafficStatsReport> {
    await this.references.modelExists(name);
    return this.stats.report(name);
  }
}

/** The rules a body can break on its own: weights sum to 100, each version once, no shadow that is also a primary. */
function checkShape(dto: PutTrafficPolicyDto, shadow: string[]): void {
  const details: FieldError[] = [];
  const total = dto.versions.reduce((sum, entry) => sum + entry.weight, 0);
  if (total !== TOTAL_WEIGHT)
    details.push({ field: 'versions', message: `weights must sum to ${TOTAL_WEIGHT} (they sum to ${total})` });
  const primaries = dto.versions.map((entry) => entry.version);
  if (new Set(primaries).size !== primaries.length)
    details.push({ field: 'versions', message: 'each version may appear once' });
  if (new Set(shadow).size !== shadow.length)
    details.push({ field: 'shadow', message: 'each shadow version may appear once' });
  const both = shadow.filter((version) => primaries.includes(version));
  if (both.length) details.push({ field: 'shadow', message: `a shadow cannot also be a primary: ${both.join(', ')}` });
  if (details.length) throw new ValidationFailedError(details);
}

const policyVersions = (policy: TrafficPolicy | null): string[] =>
  policy ? [...policy.versions.map((entry) => entry.version), ...policy.shadow] : [];

function toResponse(policy: TrafficPolicy): TrafficPolicyResponseDto {
  return {
    model: policy.modelName,
    versions: policy.versions,
    shadow: policy.shadow,
    revision: policy.revision,
    updatedAt: policy.updatedAt.toISOString(),
  };
}
