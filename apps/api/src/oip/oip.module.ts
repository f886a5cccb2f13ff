import { Module } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { InferenceModule } from '@app/serving/inference/inference.module.js';
import { OipController } from './oip.controller.js';
import { OipService } from './oip.service.js';

/** The V2 paths, outside the global /api/v1 prefix (configure-app excludes them). */
export const OIP_ROUTES = [
  { path: 'v2', method: RequestMethod.GET },
  { path: 'v2/health/live', method: RequestMethod.GET },
  { path: 'v2/health/ready', method: RequestMethod.GET },
  { path: 'v2/models/:name', method: RequestMethod.GET },
  { path: 'v2/models/:name/ready', method: RequestMethod.GET },
  { path: 'v2/models/:name/versions/:version', method: RequestMethod.GET },
  { path: 'v2/models/:name/versions/:version/ready', method: RequestMethod.GET },
  { path: 'v2/models/:name/infer', method: RequestMethod.POST },
  { path: 'v2/models/:name/versions/:version/infer', method: RequestMethod.POST },
];
export const OIP_PREFIX = '/v2';
/** The two infer routes, the only ones that take a body (and the binary tensor extension's types). */
export const isV2InferRoute = (url: string | undefined) =>
  url !== undefined && url.startsWith(`${OIP_PREFIX}/models/`) && url.endsWith('/infer');

@Module({
  imports: [InferenceModule],
  controllers: [OipController],
  providers: [OipService],
})
export class OipModule {}
