import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser } from '../auth-metadata/auth.decorators.js';
import type { AuthUser } from '../auth-metadata/auth-user.js';
import { ApiErrors, ApiPayloadBudget } from '../api-docs/api-docs.decorators.js';
import { ModelNameParams } from '../models/dto/model-version.params.js';
import { PREDICTION_MODELS, PredictRequestDto, PredictResponseDto } from './dto/predict.dto.js';
import { InferenceService } from './inference.service.js';
import { PredictBodyPipe, type PredictBody } from './predict-body.pipe.js';
import { KeyScope } from '../auth-metadata/key-scope.js';

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
  @ApiOperation({ summary: 'Predict with the deployed version of a model (1 to 1024 rows)' })
  @ApiOkResponse({ type: PredictResponseDto })
  @ApiErrors(400, 404, 413)
  @ApiPayloadBudget()
  predict(@Param() params: ModelNameParams, @Body(PredictBodyPipe) body: PredictBody, @CurrentUser() user: AuthUser): Promise<PredictResponseDto> {
    return this.inference.predict({ name: params.name, version: body.version, inputs: body.inputs, userId: user.id, source: 'http' });
  }
}
