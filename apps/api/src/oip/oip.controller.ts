import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOAuth2,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { UnavailableError } from '@app/common';
import { CurrentUser, Public } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { KeyScope } from '@app/http/auth-metadata/key-scope.js';
import { API_KEY_SCHEME, BEARER_SCHEME, OAUTH2_SCHEME } from '@app/http/api-docs/swagger.js';
import { ApiLoadShedding } from '@app/http/api-docs/api-docs.decorators.js';
import { ModelNameParams, ModelVersionParams } from '../models/dto/model-version.params.js';
import {
  V2ErrorDto,
  V2InferRequestDto,
  V2InferResponseDto,
  V2ModelMetadataDto,
  V2ServerMetadataDto,
} from './dto/v2.dto.js';
import { receivedAt } from '../inference/request-timeout.js';
import { OipService } from './oip.service.js';
import { V2ExceptionFilter } from './v2-exception.filter.js';
import { V2InferBodyPipe, type V2InferBody } from './v2-infer-body.pipe.js';

const DESCRIPTIONS: Record<number, string> = {
  400:
    'Bad request: a tensor whose shape disagrees with its data, an unknown ' +
    'input, output or datatype, a value that does not fit its datatype',
  401: 'Missing or invalid token',
  403: 'An API key without the predict scope',
  404: 'No such deployed model or version',
  413: 'Body larger than the limit',
  500: 'Unexpected error',
  503: 'Not ready',
};
/** Error statuses in the protocol's `{ error }` body; 500 always (listed before the app-wide default). */
const V2Errors = (...statuses: number[]) =>
  applyDecorators(
    ...[...statuses, 500].map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: V2ErrorDto })),
  );
/** The 503 of a version evicted under the memory budget (or that cannot fit it), with its Retry-After. */
const V2NotResident = () =>
  ApiResponse({
    status: 503,
    description: 'Evicted under the memory budget (MODEL_NOT_RESIDENT) or over it; retry after Retry-After seconds',
    type: V2ErrorDto,
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
  });
/** A bearer token or an API key with the predict scope, as on the API's inference routes. */
const V2Auth = () =>
  applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2([], OAUTH2_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    V2Errors(401, 403),
  );

/**
 * The Open Inference Protocol's REST routes (KServe/Triton "V2"), outside /api/v1 so standard
 * clients find them. Health routes are public, like /health; the rest need a token.
 */
@ApiTags('oip (V2)')
@KeyScope('predict')
@UseFilters(V2ExceptionFilter)
@Controller('v2')
export class OipController {
  constructor(private readonly oip: OipService) {}

  @Get()
  @V2Auth()
  @ApiOperation({ summary: 'Server metadata (name, version, extensions)' })
  @ApiOkResponse({ type: V2ServerMetadataDto })
  server(): V2ServerMetadataDto {
    return this.oip.serverMetadata();
  }

  @Get('health/live')
  @Public()
  @ApiOperation({ summary: 'Server live: 200 with no body' })
  @ApiResponse({ status: 200, description: 'Live' })
  @V2Errors()
  live(): void {}

  @Get('health/ready')
  @Public()
  @ApiOperation({ summary: 'Server ready: 200 with no body once every deployed version is loaded here, else 503' })
  @ApiResponse({ status: 200, description: 'Ready' })
  @V2Errors(503)
  ready(): void {
    if (!this.oip.isReady())
      throw new UnavailableError('MODEL_NOT_READY', 'Deployed models are still loading or failed to load here');
  }

  @Get('models/:name')
  @V2Auth()
  @ApiOperation({ summary: 'Model metadata of the deployed version' })
  @ApiOkResponse({ type: V2ModelMetadataDto })
  @V2Errors(400, 404)
  model(@Param() params: ModelNameParams): V2ModelMetadataDto {
    return this.oip.modelMetadata(params.name);
  }

  @Get('models/:name/versions/:version')
  @V2Auth()
  @ApiOperation({ summary: 'Model metadata of a version (`latest`: the deployed one)' })
  @ApiOkResponse({ type: V2ModelMetadataDto })
  @V2Errors(400, 404)
  modelVersion(@Param() params: ModelVersionParams): V2ModelMetadataDto {
    return this.oip.modelMetadata(params.name, params.version);
  }

  @Get('models/:name/ready')
  @V2Auth()
  @ApiOperation({
    summary:
      'Model ready: 200 with no body when deployed and resident here, 503 with Retry-After while evicted under ' +
      'the memory budget (its next inference loads it), else 404',
  })
  @ApiResponse({ status: 200, description: 'Ready' })
  @V2Errors(400, 404)
  @V2NotResident()
  modelReady(@Param() params: ModelNameParams): void {
    this.oip.resolveResident(params.name);
  }

  @Get('models/:name/versions/:version/ready')
  @V2Auth()
  @ApiOperation({
    summary:
      'Model version ready: 200 with no body when deployed and resident here, 503 with Retry-After while ' +
      'evicted under the memory budget (its next inference loads it), else 404',
  })
  @ApiResponse({ status: 200, description: 'Ready' })
  @V2Errors(400, 404)
  @V2NotResident()
  modelVersionReady(@Param() params: ModelVersionParams): void {
    this.oip.resolveResident(params.name, params.version);
  }

  @Post('models/:name/infer')
  @HttpCode(200)
  @V2Auth()
  @ApiOperation({
    summary:
      "Inference on the deployed version, or on the traffic policy's sticky pick when the model has " +
      'one (same batching, records and metrics as predict); `model_version` says which served it',
  })
  @ApiBody({ type: V2InferRequestDto })
  @ApiOkResponse({ type: V2InferResponseDto })
  @V2Errors(400, 404, 413)
  @ApiLoadShedding(V2ErrorDto)
  infer(
    @Param() params: ModelNameParams,
    @Body(V2InferBodyPipe) body: V2InferBody,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<V2InferResponseDto> {
    return this.oip.infer(params.name, undefined, body, user, receivedAt(reply));
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(200)
  @V2Auth()
  @ApiOperation({
    summary:
      'Inference on a version or an alias (`latest`, `production`: the deployed one); bypasses the traffic policy',
  })
  @ApiBody({ type: V2InferRequestDto })
  @ApiOkResponse({ type: V2InferResponseDto })
  @V2Errors(400, 404, 413)
  @ApiLoadShedding(V2ErrorDto)
  inferVersion(
    @Param() params: ModelVersionParams,
    @Body(V2InferBodyPipe) body: V2InferBody,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<V2InferResponseDto> {
    return this.oip.infer(params.name, params.version, body, user, receivedAt(reply));
  }
}
