import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, type Page } from '@app/common';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { ListModelsQueryDto } from '@app/serving/models/dto/list-models.query.js';
import { ModelVersionResponseDto } from '@app/serving/models/dto/model-version-response.dto.js';
import { ModelNameParams, ModelVersionParams } from './dto/model-version.params.js';
import { UPLOAD_MODEL_SCHEMA, UploadModelDto } from '@app/serving/models/dto/upload-model.dto.js';
import { ModelUploadInterceptor, type UploadedModelFiles } from './model-upload.interceptor.js';
import { ModelsService } from '@app/serving/models/models.service.js';
import { ReferenceUploads } from '@app/serving/drift/reference-upload.js';
import { packRows } from '@app/serving/inference/input-rows.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

@ApiTags('models')
@Controller('models')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly references: ReferenceUploads,
  ) {}

  @Get()
  @Auth()
  @ApiOperation({ summary: 'List model versions (filters name, stage, deployed)' })
  @ApiPageResponse(ModelVersionResponseDto)
  @ApiErrors(400)
  list(@Query() query: ListModelsQueryDto): Promise<Page<ModelVersionResponseDto>> {
    return this.models.list(query);
  }

  @Post()
  @CreatedAt('/api/v1/models/:name/versions/:version')
  @Auth('admin')
  @UseInterceptors(ModelUploadInterceptor)
  @ApiOperation({
    summary:
      'Upload a model version (multipart: TF.js model.json and weights, or one .onnx file): ' +
      'stored, loaded once to check, checksummed; stage staging. Optional drift baseline: `reference` ' +
      'statistics or a `referenceSample` of inputs',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_MODEL_SCHEMA })
  @ApiCreatedResponse({ type: ModelVersionResponseDto })
  @ApiErrors(400, 409, 413)
  upload(
    @Body() dto: UploadModelDto,
    @UploadedFiles() files: UploadedModelFiles,
    @CurrentUser() actor: AuthUser,
  ): Promise<ModelVersionResponseDto> {
    // Checked before anything is staged: a refused reference stores nothing.
    const reference = this.references.read(
      dto,
      { reference: files?.reference?.[0], referenceSample: files?.referenceSample?.[0] },
      packRows,
    );
    return this.models.upload(dto, files?.model?.[0], files?.weights ?? [], actor.id, reference);
  }

  @Get(':name')
  @Auth()
  @ApiOperation({ summary: 'Every version of a model, newest first' })
  @ApiOkResponse({ type: [ModelVersionResponseDto] })
  @ApiErrors(400, 404)
  versions(@Param() params: ModelNameParams): Promise<ModelVersionResponseDto[]> {
    return this.models.versionsOf(params.name);
  }

  @Get(':name/versions/:version')
  @Auth()
  @ApiOperation({
    summary:
      'One version; `latest` is the production version, else the most recently ' +
      'created; `production` the production version; an alias its target',
  })
  @ApiOkResponse({ type: ModelVersionResponseDto })
  @ApiErrors(400, 404)
  version(@Param() params: ModelVersionParams): Promise<ModelVersionResponseDto> {
    return this.models.getVersion(params.name, params.version);
  }

  @Post(':name/versions/:version/deploy')
  @HttpCode(200)
  @Auth('admin')
  @ApiOperation({
    summary: 'Load into the runtime and make it production; the previous production version goes to staging',
  })
  @ApiOkResponse({ type: ModelVersionResponseDto })
  @ApiErrors(400, 404, 409)
  deploy(@Param() params: ModelVersionParams, @CurrentUser() actor: AuthUser): Promise<ModelVersionResponseDto> {
    return this.models.deploy(params.name, params.version, actor.id);
  }

  @Post(':name/versions/:version/undeploy')
  @HttpCode(200)
  @Auth('admin')
  @ApiOperation({ summary: 'Unload (unless an alias or the traffic policy still names it); stage staging' })
  @ApiOkResponse({ type: ModelVersionResponseDto })
  @ApiErrors(400, 404)
  undeploy(@Param() params: ModelVersionParams, @CurrentUser() actor: AuthUser): Promise<ModelVersionResponseDto> {
    return this.models.undeploy(params.name, params.version, actor.id);
  }

  @Delete(':name/versions/:version')
  @Auth('admin')
  @ApiOperation({
    summary: 'Archive: unload, stage archived; the artifact stays (409 while an alias or the traffic policy names it)',
  })
  @ApiOkResponse({ type: ModelVersionResponseDto })
  @ApiErrors(400, 404, 409)
  archive(@Param() params: ModelVersionParams, @CurrentUser() actor: AuthUser): Promise<ModelVersionResponseDto> {
    return this.models.archive(params.name, params.version, actor.id);
  }
}
