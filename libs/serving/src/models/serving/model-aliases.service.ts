import { Injectable } from '@nestjs/common';
import { BadRequestError, ConflictError, NotFoundError } from '@app/common';
import { DeployedModels } from '../deployed-models.js';
import { ModelEventsService } from '../events/model-events.service.js';
import { ModelsService } from '../models.service.js';
import type { ModelAliasResponseDto } from './dto/alias-response.dto.js';
import { ModelAliasesRepository } from './model-aliases.repository.js';
import { RESERVED_ALIASES } from './model-version-resolver.js';
import { ResidentVersions } from './resident-versions.js';
import { VersionReferences } from './version-references.js';

/**
 * Sets, moves and deletes aliases. A move loads the new target first, then writes the pointer,
 * then switches this process's route, then unloads the old target if nothing else needs it: a
 * call always finds its alias pointing at a loaded version. Other processes converge by the sync,
 * which also loads before it switches.
 */
@Injectable()
export class ModelAliasesService {
  constructor(
    private readonly models: ModelsService,
    private readonly aliases: ModelAliasesRepository,
    private readonly references: VersionReferences,
    private readonly resident: ResidentVersions,
    private readonly deployed: DeployedModels,
    private readonly events: ModelEventsService,
  ) {}

  put(name: string, alias: string, version: string, actorId?: number): Promise<ModelAliasResponseDto> {
    refuseReserved(alias);
    return this.models.changes.run(async () => {
      const row = await this.references.routable(name, version);
      if (await this.references.isVersion(name, alias))
        throw new ConflictError(
          'MODEL_ALIAS_NAME_TAKEN',
          `Model '${name}' has a version named '${alias}'; an alias cannot take its name`,
        );
      await this.resident.ensure(row);
      let previous: string | undefined;
      try {
        previous = await this.aliases.point(name, alias, version);
      } catch (error) {
        this.resident.retireUnneeded(name, [version]);
        throw error;
      }
      this.deployed.setAlias(name, alias, version);
      if (previous !== undefined && previous !== version) this.resident.retireUnneeded(name, [previous]);
      await this.events.record('alias', name, version, actorId, { alias, from: previous ?? null, to: version });
      return { model: name, alias, version, previous: previous ?? null };
    });
  }

  remove(name: string, alias: string, actorId?: number): Promise<void> {
    refuseReserved(alias);
    return this.models.changes.run(async () => {
      const previous = await this.aliases.remove(name, alias);
      if (previous === undefined) {
        await this.references.modelExists(name);
        throw new NotFoundError('MODEL_ALIAS_NOT_FOUND', 'Model alias', `${name}@${alias}`);
      }
      this.deployed.setAlias(name, alias, undefined);
      this.resident.retireUnneeded(name, [previous]);
      await this.events.record('alias', name, previous, actorId, { alias, from: previous, to: null });
    });
  }
}

function refuseReserved(alias: string): void {
  if ((RESERVED_ALIASES as readonly string[]).includes(alias)) {
    throw new BadRequestError(
      'MODEL_ALIAS_RESERVED',
      `'${alias}' is reserved (it means the production version; deploy a version to move it)`,
    );
  }
}
