import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { ModelNameParams } from './dto/model-version.params.js';
import { ModelAliasResponseDto } from '@app/serving/models/serving/dto/alias-response.dto.js';
import { ModelAliasParams, PutAliasDto } from './dto/alias.dto.js';
import {
  PutTrafficPolicyDto,
  TrafficPolicyResponseDto,
  TrafficStatsResponseDto,
} from '@app/serving/models/serving/dto/traffic.dto.js';
import { ModelAliasesService } from '@app/serving/models/serving/model-aliases.service.js';
import { TrafficPoliciesService } from '@app/serving/models/serving/traffic-policies.service.js';

/** Admin routes for how a model's calls reach its versions: aliases and the traffic policy. */
@ApiTags('models')
@Controller('models')
export class ServingRoutesController {
  constructor(
    private readonly aliases: ModelAliasesService,
    private readonly policies: TrafficPoliciesService,
  ) {}

  @Put(':name/aliases/:alias')
  @Auth('admin')
  @ApiOperation({
    summary: 'Point an alias at a version (set or move, atomically)',
    description:
      'The target is loaded before the alias moves, so calls naming the alias never fail during a move. `latest` ' +
      'and `production` are reserved: `production` keeps meaning the production stage (move it with deploy). An ' +
      'alias cannot take the name of an existing version. Recorded as an `alias` event `{ alias, from, to }`.',
  })
  @ApiOkResponse({ type: ModelAliasResponseDto })
  @ApiErrors(400, 404, 409)
  putAlias(
    @Param() params: ModelAliasParams,
    @Body() body: PutAliasDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ModelAliasResponseDto> {
    return this.aliases.put(params.name, params.alias, body.version, actor.id);
  }

  @Delete(':name/aliases/:alias')
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({ summary: 'Delete an alias; its version stays loaded only while another route needs it' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  deleteAlias(@Param() params: ModelAliasParams, @CurrentUser() actor: AuthUser): Promise<void> {
    return this.aliases.remove(params.name, params.alias, actor.id);
  }

  @Get(':name/traffic')
  @Auth('admin')
  @ApiOperation({ summary: "The model's traffic policy (404 when it has none)" })
  @ApiOkResponse({ type: TrafficPolicyResponseDto })
  @ApiErrors(400, 404)
  getPolicy(@Param() params: ModelNameParams): Promise<TrafficPolicyResponseDto> {
    return this.policies.get(params.name);
  }

  @Put(':name/traffic')
  @Auth('admin')
  @ApiOperation({
    summary: 'Set the traffic policy: weighted primaries (integers summing to 100) and optional shadows',
    description:
      'Every version must exist, not be archived, and share one input shape; all are loaded before ' +
      'the policy is stored. Calls that name no version are split by weight, sticky per caller (API ' +
      'key, else user) while the policy stands: SHA-256(revision, caller) picks a bucket 0-99. Calls ' +
      'naming a version or alias bypass the policy. Shadows get a copy of each policy-routed call ' +
      'after the answer is computed, off the response path (at most 4 running, 256 queued; beyond that ' +
      'a copy is dropped and counted), recorded with source `shadow`. Recorded as a `policy` event.',
  })
  @ApiOkResponse({ type: TrafficPolicyResponseDto })
  @ApiErrors(400, 404, 409)
  putPolicy(
    @Param() params: ModelNameParams,
    @Body() body: PutTrafficPolicyDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<TrafficPolicyResponseDto> {
    return this.policies.put(params.name, body, actor.id);
  }

  @Delete(':name/traffic')
  @HttpCode(204)
  @Auth('admin')
  @ApiOperation({ summary: 'Delete the traffic policy: calls without a version go to production again' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  deletePolicy(@Param() params: ModelNameParams, @CurrentUser() actor: AuthUser): Promise<void> {
    return this.policies.remove(params.name, actor.id);
  }

  @Get(':name/traffic/stats')
  @Auth('admin')
  @ApiOperation({
    summary: 'Calls per served version and, per shadow pair, calls and agreement (this process, since it started)',
  })
  @ApiOkResponse({ type: TrafficStatsResponseDto })
  @ApiErrors(400, 404)
  stats(@Param() params: ModelNameParams): Promise<TrafficStatsResponseDto> {
    return this.policies.statsOf(params.name);
  }
}
