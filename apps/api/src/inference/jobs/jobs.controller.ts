import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, PageQueryDto, type Page } from '@app/common';
import { Auth, CurrentUser } from '../../auth/auth.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { ApiErrors, ApiPayloadBudget } from '../../core/api-docs.decorators.js';
import { ModelNameParams } from '../../models/dto/model-version.params.js';
import { PREDICTION_MODELS, PredictRequestDto } from '../dto/predict.dto.js';
import { PredictBodyPipe, type PredictBody } from '../predict-body.pipe.js';
import { JobAcceptedDto, JobResultRowDto, JobStatusDto } from './dto/job.dto.js';
import { JobsService } from './jobs.service.js';
import { KeyScope } from '../../auth/api-keys/api-key-scopes.js';

@ApiExtraModels(...PREDICTION_MODELS)
@ApiTags('inference')
@Controller('inference')
@KeyScope('predict')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post(':name/jobs')
  @HttpCode(202)
  @Auth()
  @ApiBody({ type: PredictRequestDto })
  @ApiOperation({ summary: 'Queue an async prediction over up to 100 000 rows; answers at once' })
  @ApiAcceptedResponse({ type: JobAcceptedDto })
  @ApiErrors(400, 404, 413)
  @ApiPayloadBudget()
  submit(@Param() params: ModelNameParams, @Body(PredictBodyPipe) body: PredictBody, @CurrentUser() user: AuthUser): Promise<JobAcceptedDto> {
    return this.jobs.submit(params.name, body.inputs, body.version, user);
  }

  @Get('jobs/:id')
  @Auth()
  @ApiOperation({ summary: "A job's status and progress (owner or admin); results of large jobs are paginated at /results" })
  @ApiOkResponse({ type: JobStatusDto })
  @ApiErrors(400, 404)
  status(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<JobStatusDto> {
    return this.jobs.status(id, user);
  }

  @Get('jobs/:id/results')
  @Auth()
  @ApiOperation({ summary: "A job's predictions, paginated in row order (owner or admin)" })
  @ApiPageResponse(JobResultRowDto)
  @ApiErrors(400, 404)
  results(@Param('id', new ParseUUIDPipe()) id: string, @Query() page: PageQueryDto, @CurrentUser() user: AuthUser): Promise<Page<JobResultRowDto>> {
    return this.jobs.results(id, user, page);
  }
}
