import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, type Page } from '@app/common';
import { Auth, CurrentUser } from '@app/http/auth-metadata/auth.decorators.js';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { ApiErrors, ApiPayloadBudget } from '@app/http/api-docs/api-docs.decorators.js';
import { IngestQueryDto, IngestResultDto, ListReadingsQueryDto, MAX_INGEST_ROWS } from './dto/ingest.dto.js';
import { SensorReadingDto, SensorReadingInputDto } from './dto/sensor-reading.dto.js';
import { IngestionService } from './ingestion.service.js';
import { KeyScope } from '@app/http/auth-metadata/key-scope.js';
import { CreatedAt } from '@app/http/api-docs/created-at.js';

@ApiTags('ingestion')
@Controller('ingest')
@KeyScope('predict')
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  @Post('sensor-readings')
  @CreatedAt('/api/v1/ingest/sensor-readings')
  @HttpCode(201)
  @Auth()
  @ApiOperation({
    summary:
      `Store up to ${MAX_INGEST_ROWS} readings; valid rows are ` +
      `stored, invalid ones reported by index; ?model= scores them`,
  })
  @ApiBody({ type: [SensorReadingInputDto] })
  @ApiCreatedResponse({ type: IngestResultDto })
  @ApiErrors(400, 404, 413)
  @ApiPayloadBudget({ inference: true })
  ingest(
    @Body() body: unknown,
    @Query() query: IngestQueryDto,
    @CurrentUser() user: AuthUser,
  ): Promise<IngestResultDto> {
    return this.ingestion.ingest(body, query.model, user);
  }

  @Get('sensor-readings')
  @Auth()
  @ApiOperation({ summary: 'Readings, newest first (filters sensorId, from, to, isAnomaly)' })
  @ApiPageResponse(SensorReadingDto)
  @ApiErrors(400)
  list(@Query() query: ListReadingsQueryDto): Promise<Page<SensorReadingDto>> {
    return this.ingestion.list(query);
  }
}
