import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, type Page } from '@app/common';
import { Auth } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import {
  InferenceRecordDto,
  ListRecordsQueryDto,
  StatsQueryDto,
  VersionStatsDto,
} from '@app/serving/inference/records/dto/records.dto.js';
import { InferenceRecordsService } from '@app/serving/inference/records/inference-records.service.js';

@ApiTags('inference')
@Controller('inference')
export class InferenceRecordsController {
  constructor(private readonly records: InferenceRecordsService) {}

  @Get('records')
  @Auth('admin')
  @ApiOperation({ summary: 'The prediction log, newest first (filters model, version, source, success)' })
  @ApiPageResponse(InferenceRecordDto)
  @ApiErrors(400)
  list(@Query() query: ListRecordsQueryDto): Promise<Page<InferenceRecordDto>> {
    return this.records.list(query);
  }

  @Get('stats')
  @Auth('admin')
  @ApiOperation({ summary: 'Per model version: request count, error count, latency p50/p95/p99' })
  @ApiOkResponse({ type: [VersionStatsDto] })
  @ApiErrors(400)
  stats(@Query() query: StatsQueryDto): Promise<VersionStatsDto[]> {
    return this.records.stats(query);
  }
}
