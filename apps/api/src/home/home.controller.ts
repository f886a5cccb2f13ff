import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/http/auth-metadata/auth.decorators.js';
import { readPackageInfo } from './package-info.js';
import { ServiceInfoDto } from './service-info.dto.js';

/** `GET /`, outside the /api/v1 prefix: the service's name, version and links to docs and probes. */
@ApiTags('service')
@Public()
@Controller()
export class HomeController {
  private readonly info: ServiceInfoDto;

  constructor() {
    const { name, version } = readPackageInfo();
    this.info = {
      name,
      version,
      docs: '/docs',
      openapi: '/docs-json',
      health: '/health',
      ready: '/health/ready',
      metrics: '/metrics',
    };
  }

  @Get()
  @ApiOperation({
    summary: 'The service name and version, with links to the docs, the OpenAPI document, the probes and the metrics',
  })
  @ApiOkResponse({ type: ServiceInfoDto })
  root(): ServiceInfoDto {
    return this.info;
  }
}
