import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, PageQueryDto, type Page } from '@app/common';
import { Auth } from '@app/http/auth-metadata/auth.decorators.js';
import { ApiErrors } from '@app/http/api-docs/api-docs.decorators.js';
import { ModelNameParams } from './dto/model-version.params.js';
import { ModelEventResponseDto } from '@app/serving/models/events/model-event.dto.js';
import { ModelEventsService } from '@app/serving/models/events/model-events.service.js';

@ApiTags('models')
@Controller('models')
export class ModelEventsController {
  constructor(private readonly events: ModelEventsService) {}

  @Get(':name/events')
  @Auth('admin')
  @ApiOperation({
    summary:
      'The registry actions on a model (upload, deploy, undeploy, ' +
      'archive, alias, policy, drift) with the acting user, newest first',
  })
  @ApiPageResponse(ModelEventResponseDto)
  @ApiErrors(400, 404)
  list(@Param() params: ModelNameParams, @Query() query: PageQueryDto): Promise<Page<ModelEventResponseDto>> {
    return this.events.list(params.name, query);
  }
}
