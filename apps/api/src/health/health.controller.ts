import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/http/auth-metadata/auth.decorators.js';
import { LivenessDto, NotReadyDto, ReadinessDto } from '@app/serving/health/health.dto.js';
import { HealthService } from '@app/serving/health/health.service.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: 200 while the process lives' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: the database (and Redis, when configured) answers and the runtime has loaded its deployed models',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    type: NotReadyDto,
    description: 'A check is down: the error shape, plus every check by name',
  })
  ready(): Promise<ReadinessDto> {
    return this.health.readiness();
  }
}
