import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, PageQueryDto, type Page } from '@app/common';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { ApiErrors, ApiPayloadBudget } from '@app/http/api-docs/api-docs.decorators.js';
import { ModelNameParams } from '../../models/dto/model-version.params.js';
import { PREDICTION_MODELS } from '@app/serving/inference/dto/prediction.dto.js';
import { PredictRequestDto } from '../dto/predict.dto.js';
import { PredictBodyPipe, type PredictBody } from '../predict-body.pipe.js';
import {
  JobAcceptedDto,
  JobResultRowDto,
  JobStatusDto,
  ListJobsQueryDto,
} from '@app/serving/inference/jobs/dto/job.dto.js';
import { JobsService } from '@app/serving/inference/jobs/jobs.service.js';
import { KeyScope } from '@app/http/auth-metadata/key-scope.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

@ApiExtraModels(...PREDICTION_MODELS)
@ApiTags('inference')
@Controller('inference')
@KeyScope('predict')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post(':name/jobs')
  @CreatedAt('/api/v1/inference/jobs/:jobId', 202)
  @HttpCode(202)
  @Auth()
  @ApiBody({ type: PredictRequestDto })
  @ApiOperation({ summary: 'Queue an async prediction over up to 100 000 rows; answers at once' })
  @ApiAcceptedResponse({ type: JobAcceptedDto })
  @ApiErrors(400, 404, 413)
  @ApiPayloadBudget()
  submit(
    @Param() params: ModelNameParams,
    @Body(PredictBodyPipe) body: PredictBody,
    @CurrentUser() user: AuthUser,
  ): Promise<JobAcceptedDto> {
    return this.jobs.submit(params.name, body.inputs, body.version, user);
  }

  @Get('jobs')
  @Auth()
  @ApiOperation({ summary: "The caller's jobs (an admin's: everyone's), newest first; filters status and model" })
  @ApiPageResponse(JobStatusDto)
  @ApiErrors(400)
  list(@Query() query: ListJobsQueryDto, @CurrentUser() user: AuthUser): Promise<Page<JobStatusDto>> {
    return this.jobs.list(query, user);
  }

  @Delete('jobs/:id')
  @Auth()
  @ApiOperation({
    summary:
      'Cancel a queued or running job (owner or admin): it stops between chunks, the rows done so far stay readable',
  })
  @ApiOkResponse({ type: JobStatusDto, description: 'The job, now cancelled' })
  @ApiErrors(400, 404, 409)
  cancel(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<JobStatusDto> {
    return this.jobs.cancel(id, user);
  }

  @Get('jobs/:id')
  @Auth()
  @ApiOperation({
    summary: "A job's status and progress (owner or admin); results of large jobs are paginated at /results",
  })
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
  results(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() page: PageQueryDto,
    @CurrentUser() user: AuthUser,
  ): Promise<Page<JobResultRowDto>> {
    return this.jobs.results(id, user, page);
  }

  @Get('jobs/:id/results.ndjson')
  @Auth()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      "All of a job's predictions streamed as NDJSON in row order, one `{ row, prediction }` per line (owner or admin)",
  })
  @ApiOkResponse({
    description: 'One JSON object per line: `{"row":0,"prediction":{...}}`',
    content: {
      'application/x-ndjson': {
        schema: { type: 'string', description: 'Newline-delimited JSON of JobResultRow objects' },
      },
    },
  })
  @ApiErrors(400, 404)
  async resultsNdjson(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
  ): Promise<StreamableFile> {
    return new StreamableFile(await this.jobs.resultsNdjson(id, user), { type: 'application/x-ndjson' });
  }
}
