import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@app/common';
import { Auth } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { DriftMonitor } from '@app/serving/drift/drift-monitor.js';
import { DriftReportDto } from '@app/serving/drift/dto/drift-report.dto.js';
import { ModelsService } from '@app/serving/models/models.service.js';
import { ModelVersionParams } from './dto/model-version.params.js';

@ApiTags('models')
@Controller('models')
export class DriftController {
  constructor(
    private readonly models: ModelsService,
    private readonly drift: DriftMonitor,
  ) {}

  @Get(':name/versions/:version/drift')
  @Auth('admin')
  @ApiOperation({
    summary:
      "Input drift of a version: each feature's population stability index over the window of recent live " +
      'inputs (this process) against the reference statistics; 404 when the version has none',
  })
  @ApiOkResponse({ type: DriftReportDto })
  @ApiErrors(400, 404)
  async report(@Param() params: ModelVersionParams): Promise<DriftReportDto> {
    // Resolves `latest`, `production` and aliases as the other version reads do (404 when unknown).
    const { version } = await this.models.getVersion(params.name, params.version);
    const report = await this.drift.report(params.name, version);
    if (!report)
      throw new NotFoundError('MODEL_REFERENCE_NOT_FOUND', 'Reference statistics of', `${params.name}@${version}`);
    return report;
  }
}
