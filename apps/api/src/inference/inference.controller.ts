import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { ApiErrors, ApiInferenceAdmission, REQUEST_TIMEOUT_HEADER } from '@app/http/api-docs/api-docs.decorators.js';
import { receivedAt, requestTimeoutMs } from './request-timeout.js';
import { ModelNameParams } from '../models/dto/model-version.params.js';
import { PREDICTION_MODELS } from '@app/serving/inference/dto/prediction.dto.js';
import { PredictRequestDto, PredictResponseDto } from './dto/predict.dto.js';
import { InferenceService } from '@app/serving/inference/inference.service.js';
import { PredictBodyPipe, type PredictBody } from './predict-body.pipe.js';
import { KeyScope } from '@app/http/auth-metadata/key-scope.js';
import { callerKey } from '@app/serving/models/serving/sticky-split.js';
import { serializeWithJsonOnce } from '@app/serving/inference/records/json-once.js';

@ApiTags('inference')
@ApiExtraModels(...PREDICTION_MODELS)
@Controller('inference')
@KeyScope('predict')
export class InferenceController {
  constructor(private readonly inference: InferenceService) {}

  @Post(':name/predict')
  @HttpCode(200)
  @Auth()
  @ApiBody({ type: PredictRequestDto })
  @ApiOperation({
    summary: 'Predict with the deployed version of a model (1 to 1024 rows)',
    description:
      "Without `version` the call follows the model's traffic policy when it has one (weighted, " +
      'sticky per API key, else per user), else the production version; a named version or alias ' +
      '(`champion`, ...) bypasses the policy. `latest` and `production` name the production version.',
  })
  @ApiOkResponse({
    type: PredictResponseDto,
    headers: {
      'X-Model-Version': {
        description: "The version that served the call (same as the body's `version`)",
        schema: { type: 'string' },
      },
    },
  })
  @ApiErrors(400, 404, 413)
  @ApiInferenceAdmission()
  async predict(
    @Param() params: ModelNameParams,
    @Body(PredictBodyPipe) body: PredictBody,
    @CurrentUser() user: AuthUser,
    @Headers(REQUEST_TIMEOUT_HEADER.toLowerCase()) timeoutHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PredictResponseDto> {
    const caller = callerKey({ userId: user.id, apiKeyId: user.apiKey?.id });
    const timeoutMs = requestTimeoutMs(timeoutHeader);
    const result = await this.inference.predict({
      timeoutMs,
      receivedAt: receivedAt(reply),
      name: params.name,
      version: body.version,
      inputs: body.inputs,
      userId: user.id,
      source: 'http',
      caller,
    });
    void reply.header('X-Model-Version', result.version);
    // The same JSON as Fastify's JSON.stringify, with the predictions' text shared with the log.
    void reply.type('application/json; charset=utf-8').serializer(serializeWithJsonOnce(result, 'predictions'));
    return result;
  }
}
